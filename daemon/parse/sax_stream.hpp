#pragma once
// What the streaming readers (rss_stream.cpp, atom_stream.cpp) share: the SAX2 handler with
// every entity callback refusing, namespace classification of an element, and attribute values
// read the way the tree readers read them. Whatever a streaming reader is not sure to read
// exactly like its tree reader makes it give up, and the caller parses the tree instead.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "parse/xml.hpp"

namespace ww::parse::detail::sax {

// libxml2 refuses text nodes above 10 MB without XML_PARSE_HUGE while building the tree; the
// streaming readers never see that limit, so larger documents go to the tree.
constexpr std::size_t kMaxStreamBytes = 10'000'000;

// Room to reserve for the items (entries) of a `bytes`-long feed: one per 256 bytes, which
// few items are under, at most 256. Documents are not then moved again and again while the
// reader's vector grows.
inline std::size_t likely_items(std::size_t bytes) {
    return std::min<std::size_t>(bytes / 256 + 1, 256);
}

// Every streaming reader's state derives from this; the parser context's _private points at it.
struct Base {
    bool unsure = false;  // gave up: the tree decides
    // Local names element_name has accepted, by address: libxml2 hands every element its name
    // from the parser's dictionary, where one address is one name for the whole parse.
    struct Name {
        const xmlChar* name = nullptr;
        std::size_t size = 0;
    };
    std::array<Name, 64> names{};
};

template <typename State>
State& state_of(void* ctx) {
    return *static_cast<State*>(static_cast<Base*>(static_cast<xmlParserCtxtPtr>(ctx)->_private));
}

// Marks the state unsure and stops the parse.
void give_up(void* ctx);

// A name the tree would hold differently (a ':' in the local name or prefix, an empty
// namespace URI): the streaming readers give up on it.
bool odd_name(const xmlChar* localname, const xmlChar* prefix, const xmlChar* uri);

// odd_name and the local name's length in one pass over the name, for every element: `name`
// gets the local name, and the result is false for an odd name. A name seen before in this
// parse is not read again.
inline bool element_name(Base& base, const xmlChar* localname, const xmlChar* prefix,
                         const xmlChar* uri, std::string_view& name) {
    // The dictionary packs names next to each other: four bytes apart make another slot.
    Base::Name& seen = base.names[(reinterpret_cast<std::uintptr_t>(localname) >> 2) & 63];
    if (seen.name != localname) {
        std::size_t n = 0;
        for (; localname[n] != 0; ++n) {
            if (localname[n] == ':') {
                return false;
            }
        }
        seen = {localname, n};
    }
    if ((prefix != nullptr || uri != nullptr) && odd_name(localname, prefix, uri)) {
        return false;
    }
    name = std::string_view(xml::cs(localname), seen.size);
    return true;
}

// Same classification as xml::ns_of on the tree node libxml2 would build.
xml::Ns ns_of(const xmlChar* prefix, const xmlChar* uri);
// The same, without a call for the commonest element: no prefix, no namespace.
inline xml::Ns element_ns(const xmlChar* prefix, const xmlChar* uri) {
    return prefix == nullptr && uri == nullptr ? xml::Ns::None : ns_of(prefix, uri);
}

// The value the tree's attribute would hold; false when it holds an entity reference.
bool attr_value(const xmlChar* begin, const xmlChar* end, std::string& out);

// Checks every attribute of an element: false for xml:base (scoping the tree resolves) or an
// entity reference in any value. `lang` gets the value of xml:lang when there is one.
bool check_attributes(int nb_attributes, const xmlChar** attributes, std::string& scratch,
                      std::optional<std::string>& lang);

// The value of the attribute with local name `wanted` in any namespace, as xml::attr reads it
// from the tree ("" when absent); `found` tells whether there is one. check_attributes must
// have accepted the element.
std::string attribute(int nb_attributes, const xmlChar** attributes, const char* wanted,
                      bool* found = nullptr);
// The same value without a copy: a view of the parser's input, or of `scratch` for a value
// holding "&#38;". Valid until the callback returns or `scratch` changes.
std::string_view attribute_view(int nb_attributes, const xmlChar** attributes, const char* wanted,
                                std::string& scratch);

// A SAX2 handler with these element and text callbacks and every DTD and entity callback
// giving up (entities are read from the tree, which never expands them beyond a short value).
xmlSAXHandler handler(startElementNsSAX2Func start, endElementNsSAX2Func end,
                      charactersSAXFunc characters);

// doc->URL of the tree libxml2 would build for `base_url`.
std::string document_url(std::string_view base_url);

}  // namespace ww::parse::detail::sax

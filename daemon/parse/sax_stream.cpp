#include "parse/sax_stream.hpp"

#include <libxml/uri.h>

#include <cstring>

namespace ww::parse::detail::sax {

namespace {

constexpr const char* kXmlNs = "http://www.w3.org/XML/1998/namespace";

void refuse_subset(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) { give_up(ctx); }
xmlEntityPtr refuse_entity(void* ctx, const xmlChar*) {
    give_up(ctx);
    return nullptr;
}
void refuse_reference(void* ctx, const xmlChar*) { give_up(ctx); }
void refuse_entity_decl(void* ctx, const xmlChar*, int, const xmlChar*, const xmlChar*, xmlChar*) {
    give_up(ctx);
}

// The SAX2 attribute record (localname, prefix, URI, value begin, value end) named `wanted`.
const xmlChar** find_attribute(int nb_attributes, const xmlChar** attributes, const char* wanted) {
    for (int i = 0; i < nb_attributes; ++i) {
        const xmlChar** a = attributes + static_cast<std::ptrdiff_t>(i) * 5;
        if (std::strcmp(xml::cs(a[0]), wanted) == 0) {
            return a;
        }
    }
    return nullptr;
}

}  // namespace

void give_up(void* ctx) {
    static_cast<Base*>(static_cast<xmlParserCtxtPtr>(ctx)->_private)->unsure = true;
    xmlStopParser(static_cast<xmlParserCtxtPtr>(ctx));
}

bool odd_name(const xmlChar* localname, const xmlChar* prefix, const xmlChar* uri) {
    return std::strchr(xml::cs(localname), ':') != nullptr ||
           (prefix != nullptr && std::strchr(xml::cs(prefix), ':') != nullptr) ||
           (uri != nullptr && *uri == 0);
}

xml::Ns ns_of(const xmlChar* prefix, const xmlChar* uri) {
    if (uri != nullptr) {
        return xml::ns_of_uri(xml::cs(uri));
    }
    if (prefix != nullptr) {
        return xml::ns_of_prefix(xml::cs(prefix));
    }
    return xml::Ns::None;
}

// Without entity substitution libxml2 hands SAX an '&' as "&#38;" (the tree builder decodes
// it); any other reference means an entity, which only the tree path handles.
bool attr_value(const xmlChar* begin, const xmlChar* end, std::string& out) {
    std::string_view v(xml::cs(begin), static_cast<std::size_t>(end - begin));
    out.clear();
    std::size_t pos = 0;
    while (true) {
        std::size_t amp = v.find('&', pos);
        out.append(v.substr(pos, amp == std::string_view::npos ? amp : amp - pos));
        if (amp == std::string_view::npos) {
            return true;
        }
        if (v.compare(amp, 5, "&#38;") != 0) {
            return false;
        }
        out.push_back('&');
        pos = amp + 5;
    }
}

bool check_attributes(int nb_attributes, const xmlChar** attributes, std::string& scratch,
                      std::optional<std::string>& lang) {
    for (int i = 0; i < nb_attributes; ++i) {
        const xmlChar** a = attributes + static_cast<std::ptrdiff_t>(i) * 5;
        std::string_view name(xml::cs(a[0]));
        bool xml_ns = a[2] != nullptr && std::strcmp(xml::cs(a[2]), kXmlNs) == 0;
        if (xml_ns && name == "base") {
            return false;
        }
        if (xml_ns && name == "lang") {
            std::string value;
            if (!attr_value(a[3], a[4], value)) {
                return false;
            }
            lang = std::move(value);
        } else if (std::memchr(a[3], '&', static_cast<std::size_t>(a[4] - a[3])) != nullptr &&
                   !attr_value(a[3], a[4], scratch)) {
            return false;
        }
    }
    return true;
}

std::string attribute(int nb_attributes, const xmlChar** attributes, const char* wanted,
                      bool* found) {
    std::string value;
    const xmlChar** a = find_attribute(nb_attributes, attributes, wanted);
    if (a != nullptr) {
        attr_value(a[3], a[4], value);
    }
    if (found != nullptr) {
        *found = a != nullptr;
    }
    return value;
}

std::string_view attribute_view(int nb_attributes, const xmlChar** attributes, const char* wanted,
                                std::string& scratch) {
    const xmlChar** a = find_attribute(nb_attributes, attributes, wanted);
    if (a == nullptr) {
        return {};
    }
    const auto size = static_cast<std::size_t>(a[4] - a[3]);
    if (std::memchr(a[3], '&', size) == nullptr) {
        return {xml::cs(a[3]), size};
    }
    attr_value(a[3], a[4], scratch);
    return scratch;
}

xmlSAXHandler handler(startElementNsSAX2Func start, endElementNsSAX2Func end,
                      charactersSAXFunc characters) {
    xmlSAXHandler sax;
    std::memset(&sax, 0, sizeof sax);
    sax.startElementNs = start;
    sax.endElementNs = end;
    sax.characters = characters;
    sax.ignorableWhitespace = characters;
    sax.cdataBlock = characters;
    sax.internalSubset = &refuse_subset;
    sax.externalSubset = &refuse_subset;
    sax.getEntity = &refuse_entity;
    sax.getParameterEntity = &refuse_entity;
    sax.reference = &refuse_reference;
    sax.entityDecl = &refuse_entity_decl;
    return sax;
}

std::string document_url(std::string_view base_url) {
    if (base_url.empty()) {
        return {};
    }
    std::string url(base_url);
    xml::XmlString uri(xmlPathToURI(xml::xs(url.c_str())));
    return uri ? std::string(xml::cs(uri.get())) : std::string();
}

}  // namespace ww::parse::detail::sax

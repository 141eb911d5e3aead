#pragma once
// The one place wirewatch talks to libxml2's parsers. Everything that could make libxml2 touch
// the network or the file system, or expand entities, is decided here and nowhere else.

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ww::parse::xml {

struct DocDeleter {
    void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocDeleter>;

struct XmlCharDeleter {
    void operator()(xmlChar* p) const { xmlFree(p); }
};
using XmlString = std::unique_ptr<xmlChar, XmlCharDeleter>;

inline const char* cs(const xmlChar* p) { return reinterpret_cast<const char*>(p); }
inline const xmlChar* xs(const char* p) { return reinterpret_cast<const xmlChar*>(p); }

// xmlInitParser() and the refusing external-entity loader, exactly once per process.
void init_once();

struct XmlParse {
    DocPtr doc;                       // null when nothing could be recovered at all
    bool recovered = false;           // strict parse failed; `doc` comes from recover mode
    std::vector<std::string> errors;  // first libxml2 errors of the strict pass, "line N: msg"
};

// `utf8` must already be UTF-8 (the declared encoding is ignored). Strict parse first; when that
// fails, the markup is repaired (stray '&', HTML named entities) and parsed in recover mode.
XmlParse parse_xml(std::string_view utf8, std::string_view base_url);

// Streams `utf8` through the callbacks of `sax` with the options of parse_xml's strict pass and
// its external-entity refusal; no tree is built. The callbacks get the parser context as `ctx`,
// with `user` in its _private field. Returns whether the document was well-formed (namespaces
// included) without a single error; `errors` gets the errors otherwise.
bool sax_parse(std::string_view utf8, const xmlSAXHandler& sax, void* user,
               std::vector<std::string>& errors);

// HTML page, `utf8` already UTF-8 (<meta charset> is ignored). Never null unless out of memory.
DocPtr parse_html(std::string_view utf8, std::string_view base_url);

// Streams an HTML page through the callbacks of `sax` with parse_html's options and
// external-entity refusal; no tree is built. The callbacks get the parser context as `ctx`,
// with `user` in its _private field. The events are exactly those parse_html's tree builder
// receives.
void html_sax_parse(std::string_view utf8, const htmlSAXHandler& sax, void* user);

// --- tree helpers ------------------------------------------------------------------------------

// Namespaces the readers care about. Elements whose prefix was never declared (common in
// hand-made feeds: "dc:creator" without xmlns:dc) are classified by the conventional prefix.
enum class Ns {
    None,
    Atom,
    Atom03,
    Rss1,
    Rss09,
    Rdf,
    Dc,
    Content,
    Media,
    News,
    Sitemap,
    Xhtml,
    Other
};

Ns ns_of(const xmlNode* node);
Ns ns_of_uri(std::string_view uri);        // an element's namespace URI
Ns ns_of_prefix(std::string_view prefix);  // an undeclared prefix, by convention
std::string_view local_name(const xmlNode* node);
bool is_element(const xmlNode* node, Ns ns, std::string_view local);
bool is_element(const xmlNode* node, std::string_view local);  // any namespace

const xmlNode* first_element(const xmlNode* parent);  // first element child
const xmlNode* next_element(const xmlNode* node);     // next element sibling
const xmlNode* root_element(const xmlDoc* doc);

// Attribute without namespace ("" when absent). Entity references inside values are not
// expanded beyond what the parser already did.
std::string attr(const xmlNode* node, const char* name);
bool has_attr(const xmlNode* node, const char* name);

// Concatenated text of the node's descendants (text and CDATA), raw (not sanitized). Entity
// references are never expanded recursively: an internal entity whose value is short plain text
// is inserted once, anything else is dropped. This bounds the output by the input size and is
// what keeps a billion-laughs document harmless even though its entities sit in the tree.
std::string raw_text(const xmlNode* node);

// Effective base URI (xml:base chain + document URL, or <base href> in HTML), "" if none.
std::string base_of(const xmlNode* node);
// Effective xml:lang / lang, "" if none.
std::string lang_of(const xmlNode* node);

// Depth-first walk without recursion (documents can nest thousands of levels deep).
// `enter(node)` returns whether to descend into an element; `leave(node)` is called after the
// children of every element that was entered.
template <typename Enter, typename Leave>
void walk(const xmlNode* root, Enter&& enter, Leave&& leave) {
    const xmlNode* n = root != nullptr ? root->children : nullptr;
    while (n != nullptr) {
        // Only element nodes are descended: an entity reference's "children" is the entity
        // declaration itself, and following it would expand entities behind libxml2's back.
        if (enter(n) && n->type == XML_ELEMENT_NODE) {
            if (n->children != nullptr) {
                n = n->children;
                continue;
            }
            leave(n);
        }
        while (n != nullptr && n->next == nullptr) {
            n = n->parent;
            if (n == nullptr || n == root) {
                return;
            }
            leave(n);
        }
        n = n->next;
    }
}

}  // namespace ww::parse::xml

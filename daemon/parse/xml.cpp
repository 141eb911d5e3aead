#include "parse/xml.hpp"

#include <libxml/entities.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

#include <climits>
#include <mutex>

#include "parse/repair.hpp"
#include "wirewatch/parse/url.hpp"

namespace ww::parse::xml {

namespace {

constexpr std::size_t kMaxErrors = 8;
// An internal entity is inserted into text only when its value is at most this long and holds
// no markup or references, so expansion is at most linear in the input.
constexpr std::size_t kMaxEntityText = 256;
constexpr const char* kXmlNs = "http://www.w3.org/XML/1998/namespace";

// Errors of the parse running on this thread. libxml2 reports through callbacks without a
// usable user pointer on every path, so the sink is found through a thread-local.
struct ErrorSink {
    std::vector<std::string> messages;
};
thread_local ErrorSink* t_sink = nullptr;

class SinkScope {
public:
    explicit SinkScope(ErrorSink* sink) : previous_(t_sink) { t_sink = sink; }
    ~SinkScope() { t_sink = previous_; }
    SinkScope(const SinkScope&) = delete;
    SinkScope& operator=(const SinkScope&) = delete;

private:
    ErrorSink* previous_;
};

void collect_error(void* /*ctx*/, xmlErrorPtr err) {
    if (t_sink == nullptr || err == nullptr || err->level < XML_ERR_ERROR ||
        t_sink->messages.size() >= kMaxErrors) {
        return;
    }
    std::string msg = err->message != nullptr ? err->message : "unknown error";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) {
        msg.pop_back();
    }
    t_sink->messages.push_back("line " + std::to_string(err->line) + ": " + msg);
}

void ignore_generic(void* /*ctx*/, const char* /*msg*/, ...) {}

// The process-wide loader. libxml2 calls it for every external DTD, external entity and
// XInclude it would read. wirewatch never wants any of them: returning NULL makes libxml2
// report "failed to load external entity" and carry on without the content. This is the
// 2.9 substitute for XML_PARSE_NO_XXE (which only exists from 2.13 on).
xmlParserInputPtr refuse_external_entity(const char* url, const char* /*id*/,
                                         xmlParserCtxtPtr /*ctxt*/) {
    if (t_sink != nullptr && t_sink->messages.size() < kMaxErrors) {
        t_sink->messages.push_back(std::string("external entity refused: ") +
                                   (url != nullptr ? url : "(no system id)"));
    }
    return nullptr;
}

// Same refusal at the SAX level, which libxml2 consults before the global loader.
xmlParserInputPtr refuse_resolve(void* ctx, const xmlChar* /*public_id*/,
                                 const xmlChar* system_id) {
    return refuse_external_entity(cs(system_id), nullptr, static_cast<xmlParserCtxtPtr>(ctx));
}

struct CtxtDeleter {
    void operator()(xmlParserCtxt* c) const { xmlFreeParserCtxt(c); }
};
struct HtmlCtxtDeleter {
    void operator()(htmlParserCtxt* c) const { htmlFreeParserCtxt(c); }
};

// Options shared by every XML parse. Deliberately absent:
//  - XML_PARSE_NOENT: would substitute entities, which is how XXE and billion laughs work;
//    without it external general entities are never loaded and internal ones stay references.
//  - XML_PARSE_DTDLOAD / DTDATTR / DTDVALID: would fetch the external subset.
//  - XML_PARSE_HUGE: lifts libxml2's size, depth and entity-amplification limits.
//  - XML_PARSE_XINCLUDE: we never process XInclude.
// XML_PARSE_NONET stops the nanohttp/ftp loaders even if something slipped past the loader
// above. XML_PARSE_IGNORE_ENC: the bytes are already UTF-8 (see encoding.hpp), so a wrong
// encoding declaration must not make libxml2 decode them a second time.
constexpr int kXmlOptions = XML_PARSE_NONET | XML_PARSE_IGNORE_ENC | XML_PARSE_COMPACT;

DocPtr read_xml(std::string_view input, const std::string& url, int options, ErrorSink* sink) {
    if (input.empty() || input.size() > static_cast<std::size_t>(INT_MAX)) {
        return {};
    }
    std::unique_ptr<xmlParserCtxt, CtxtDeleter> ctxt(xmlNewParserCtxt());
    if (!ctxt || ctxt->sax == nullptr) {
        return {};
    }
    ctxt->sax->serror = &collect_error;
    ctxt->sax->resolveEntity = &refuse_resolve;
    SinkScope scope(sink);
    return DocPtr(xmlCtxtReadMemory(ctxt.get(), input.data(), static_cast<int>(input.size()),
                                    url.empty() ? nullptr : url.c_str(), nullptr, options));
}

void append_entity(const xmlNode* ref, std::string& out) {
    const xmlEntity* ent = xmlGetDocEntity(ref->doc, ref->name);
    if (ent == nullptr || ent->etype != XML_INTERNAL_GENERAL_ENTITY || ent->content == nullptr) {
        return;
    }
    std::string_view value(cs(ent->content));
    if (value.size() <= kMaxEntityText && value.find_first_of("&<") == std::string_view::npos) {
        out.append(value);
    }
}

// Value of an attribute, read from its child nodes without libxml2's recursive entity
// expansion (xmlGetProp would expand a billion-laughs reference in an attribute).
std::string attr_value(const xmlAttr* a) {
    std::string out;
    for (const xmlNode* c = a->children; c != nullptr; c = c->next) {
        if (c->type == XML_TEXT_NODE && c->content != nullptr) {
            out.append(cs(c->content));
        } else if (c->type == XML_ENTITY_REF_NODE) {
            append_entity(c, out);
        }
    }
    return out;
}

const xmlAttr* find_attr(const xmlNode* node, std::string_view name, const char* ns_href) {
    if (node == nullptr || node->type != XML_ELEMENT_NODE) {
        return nullptr;
    }
    for (const xmlAttr* a = node->properties; a != nullptr; a = a->next) {
        if (a->name == nullptr || name != cs(a->name)) {
            continue;
        }
        if (ns_href != nullptr && (a->ns == nullptr || a->ns->href == nullptr ||
                                   std::string_view(cs(a->ns->href)) != ns_href)) {
            continue;
        }
        return a;
    }
    return nullptr;
}

// Namespace URIs compared without scheme and trailing slash: feeds mix http/https and
// "mrss" with or without '/'.
std::string_view strip_uri(std::string_view uri) {
    if (uri.rfind("http://", 0) == 0) {
        uri.remove_prefix(7);
    } else if (uri.rfind("https://", 0) == 0) {
        uri.remove_prefix(8);
    }
    while (!uri.empty() && uri.back() == '/') {
        uri.remove_suffix(1);
    }
    return uri;
}

Ns ns_from_uri(std::string_view uri) {
    std::string_view u = strip_uri(uri);
    if (u == "www.w3.org/2005/Atom") {
        return Ns::Atom;
    }
    if (u == "purl.org/atom/ns#") {
        return Ns::Atom03;
    }
    if (u == "purl.org/rss/1.0") {
        return Ns::Rss1;
    }
    if (u == "my.netscape.com/rdf/simple/0.9") {
        return Ns::Rss09;
    }
    if (u == "www.w3.org/1999/02/22-rdf-syntax-ns#") {
        return Ns::Rdf;
    }
    if (u == "purl.org/dc/elements/1.1" || u == "purl.org/dc/terms") {
        return Ns::Dc;
    }
    if (u == "purl.org/rss/1.0/modules/content") {
        return Ns::Content;
    }
    if (u == "search.yahoo.com/mrss") {
        return Ns::Media;
    }
    if (u == "www.google.com/schemas/sitemap-news/0.9") {
        return Ns::News;
    }
    if (u == "www.sitemaps.org/schemas/sitemap/0.9" || u == "www.google.com/schemas/sitemap/0.84" ||
        u == "www.google.com/schemas/sitemap/0.9") {
        return Ns::Sitemap;
    }
    if (u == "www.w3.org/1999/xhtml") {
        return Ns::Xhtml;
    }
    return Ns::Other;
}

Ns ns_from_prefix(std::string_view prefix) {
    if (prefix == "atom") {
        return Ns::Atom;
    }
    if (prefix == "dc" || prefix == "dcterms") {
        return Ns::Dc;
    }
    if (prefix == "content") {
        return Ns::Content;
    }
    if (prefix == "media") {
        return Ns::Media;
    }
    if (prefix == "news") {
        return Ns::News;
    }
    if (prefix == "rdf") {
        return Ns::Rdf;
    }
    return Ns::Other;
}

}  // namespace

void init_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        xmlInitParser();
        xmlSetExternalEntityLoader(&refuse_external_entity);
    });
    // libxml2 keeps the generic error handler per thread; without this, errors that bypass the
    // context's structured handler would be printed to stderr by whichever thread parses.
    thread_local bool quiet = [] {
        xmlSetGenericErrorFunc(nullptr, &ignore_generic);
        return true;
    }();
    (void)quiet;
}

XmlParse parse_xml(std::string_view utf8, std::string_view base_url) {
    init_once();
    XmlParse result;
    std::string url(base_url);
    ErrorSink strict_errors;
    result.doc = read_xml(utf8, url, kXmlOptions, &strict_errors);
    result.errors = std::move(strict_errors.messages);
    if (result.doc) {
        return result;
    }
    // Strict parse failed: repair the usual mistakes, then let recover mode keep whatever
    // parses. The errors reported are the strict pass's, which describe the real input.
    result.recovered = true;
    std::string repaired = ww::parse::detail::repair_markup(utf8);
    ErrorSink recover_errors;
    result.doc = read_xml(repaired, url, kXmlOptions | XML_PARSE_RECOVER, &recover_errors);
    if (result.errors.empty()) {
        result.errors = std::move(recover_errors.messages);
    }
    if (result.errors.empty()) {
        result.errors.emplace_back("line 1: document is not well-formed");
    }
    return result;
}

namespace {

// One SAX parser context per thread, reused from parse to parse: a fresh one costs its
// dictionary, tables and a copy of the input, ~10% of a streamed feed. It is kept only after a
// parse that ran to the end without a single error, so nothing of a stopped or failed parse
// (open elements, namespaces, a half-read DOCTYPE) can carry over, and only while its
// dictionary of names stays small: names from hostile feeds cannot pile up in it.
constexpr int kMaxReusedDictNames = 2000;

// Above this the per-thread copy of the input is released after the parse instead of kept.
constexpr std::size_t kMaxKeptInput = std::size_t{1} << 20;

// The input as libxml2 reads a string in memory: a stream with no input buffer of its own, so
// the parser never copies, grows or shrinks anything (its memory buffer cost a malloc, a copy
// and, near the end of the input, GROW/SHRINK calls at every token: ~5% of a streamed feed).
// libxml2 needs a NUL after the last byte, which a string_view does not promise, so the bytes
// go to a per-thread copy first: a plain memcpy into memory reused from parse to parse. The
// stream does not own that memory (its `free` is null); it is read only while this parse runs.
bool push_input(xmlParserCtxtPtr ctxt, std::string_view utf8, std::string& copy) {
    copy.assign(utf8);
    xmlParserInputPtr stream = xmlNewInputStream(ctxt);
    if (stream == nullptr) {
        return false;
    }
    stream->base = xs(copy.c_str());
    stream->cur = stream->base;
    stream->length = static_cast<int>(copy.size());
    stream->end = stream->base + copy.size();
    inputPush(ctxt, stream);
    return true;
}

}  // namespace

bool sax_parse(std::string_view utf8, const xmlSAXHandler& sax, void* user,
               std::vector<std::string>& errors) {
    init_once();
    if (utf8.empty() || utf8.size() > static_cast<std::size_t>(INT_MAX)) {
        return false;
    }
    thread_local std::unique_ptr<xmlParserCtxt, CtxtDeleter> reused;
    if (reused) {
        xmlCtxtReset(reused.get());
    } else {
        reused.reset(xmlNewParserCtxt());
        if (!reused || reused->sax == nullptr) {
            reused.reset();
            return false;
        }
    }
    xmlParserCtxtPtr ctxt = reused.get();
    thread_local std::string input;
    if (!push_input(ctxt, utf8, input)) {
        reused.reset();
        return false;
    }
    *ctxt->sax = sax;
    ctxt->sax->initialized = XML_SAX2_MAGIC;
    ctxt->sax->serror = &collect_error;
    ctxt->sax->resolveEntity = &refuse_resolve;
    ctxt->_private = user;
    xmlCtxtUseOptions(ctxt, kXmlOptions);
    ErrorSink sink;
    SinkScope scope(&sink);
    int rc = xmlParseDocument(ctxt);
    // libxml2 builds a document of its own for entity declarations even in SAX mode ("expat
    // compatibility"); it is ours to free.
    DocPtr stray(ctxt->myDoc);
    ctxt->myDoc = nullptr;
    errors = std::move(sink.messages);
    const bool ok = rc == 0 && ctxt->wellFormed != 0 && ctxt->nsWellFormed != 0 && errors.empty();
    // A parse the callbacks stopped (xmlStopParser) may still count as well-formed.
    const bool finished = ok && ctxt->errNo == XML_ERR_OK && ctxt->disableSAX == 0;
    if (!finished || ctxt->dict == nullptr || xmlDictSize(ctxt->dict) > kMaxReusedDictNames) {
        reused.reset();
    }
    if (input.capacity() > kMaxKeptInput) {
        std::string().swap(input);  // the stream left in a kept context is never read again
    }
    return ok;
}

DocPtr parse_html(std::string_view utf8, std::string_view base_url) {
    init_once();
    if (utf8.size() > static_cast<std::size_t>(INT_MAX)) {
        utf8 = utf8.substr(0, INT_MAX);
    }
    std::unique_ptr<htmlParserCtxt, HtmlCtxtDeleter> ctxt(htmlNewParserCtxt());
    if (!ctxt || ctxt->sax == nullptr) {
        return {};
    }
    ctxt->sax->serror = &collect_error;
    ctxt->sax->resolveEntity = &refuse_resolve;
    SinkScope scope(nullptr);
    std::string url(base_url);
    // The HTML parser defaults to ISO-8859-1 without a <meta charset>; we hand it UTF-8 and
    // tell it so, and HTML_PARSE_IGNORE_ENC stops a <meta> from switching it back.
    const int options = HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                        HTML_PARSE_RECOVER | HTML_PARSE_IGNORE_ENC | HTML_PARSE_COMPACT;
    static const char kEmpty[] = "<html></html>";
    const char* data = utf8.empty() ? kEmpty : utf8.data();
    int size = utf8.empty() ? static_cast<int>(sizeof kEmpty - 1) : static_cast<int>(utf8.size());
    return DocPtr(htmlCtxtReadMemory(ctxt.get(), data, size, url.empty() ? nullptr : url.c_str(),
                                     "UTF-8", options));
}

void html_sax_parse(std::string_view utf8, const htmlSAXHandler& sax, void* user) {
    init_once();
    if (utf8.size() > static_cast<std::size_t>(INT_MAX)) {
        utf8 = utf8.substr(0, INT_MAX);
    }
    static const char kEmpty[] = "<html></html>";
    const char* data = utf8.empty() ? kEmpty : utf8.data();
    int size = utf8.empty() ? static_cast<int>(sizeof kEmpty - 1) : static_cast<int>(utf8.size());
    std::unique_ptr<htmlParserCtxt, HtmlCtxtDeleter> ctxt(htmlCreateMemoryParserCtxt(data, size));
    if (!ctxt || ctxt->sax == nullptr) {
        return;
    }
    *ctxt->sax = sax;
    ctxt->sax->initialized = XML_SAX2_MAGIC;
    ctxt->sax->serror = &collect_error;
    ctxt->sax->resolveEntity = &refuse_resolve;
    ctxt->_private = user;
    SinkScope scope(nullptr);
    // Same input and options as parse_html, so the parser emits the same events. The input is
    // UTF-8 already: xmlSwitchEncoding(UTF8) tells libxml2 so without installing its UTF-8 to
    // UTF-8 converter, which htmlReadMemory's "UTF-8" argument runs over every input chunk.
    xmlSwitchEncoding(ctxt.get(), XML_CHAR_ENCODING_UTF8);
    htmlCtxtUseOptions(ctxt.get(), HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                       HTML_PARSE_RECOVER | HTML_PARSE_IGNORE_ENC |
                                       HTML_PARSE_COMPACT);
    htmlParseDocument(ctxt.get());
    DocPtr stray(ctxt->myDoc);
    ctxt->myDoc = nullptr;
}

Ns ns_of_uri(std::string_view uri) { return ns_from_uri(uri); }

Ns ns_of_prefix(std::string_view prefix) { return ns_from_prefix(prefix); }

Ns ns_of(const xmlNode* node) {
    if (node == nullptr || node->name == nullptr) {
        return Ns::None;
    }
    if (node->ns != nullptr && node->ns->href != nullptr) {
        return ns_from_uri(cs(node->ns->href));
    }
    std::string_view name(cs(node->name));
    auto colon = name.find(':');
    if (colon == std::string_view::npos) {
        return Ns::None;
    }
    return ns_from_prefix(name.substr(0, colon));
}

std::string_view local_name(const xmlNode* node) {
    if (node == nullptr || node->name == nullptr) {
        return {};
    }
    std::string_view name(cs(node->name));
    auto colon = name.rfind(':');
    return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

bool is_element(const xmlNode* node, Ns ns, std::string_view local) {
    return node != nullptr && node->type == XML_ELEMENT_NODE && local_name(node) == local &&
           ns_of(node) == ns;
}

bool is_element(const xmlNode* node, std::string_view local) {
    return node != nullptr && node->type == XML_ELEMENT_NODE && local_name(node) == local;
}

const xmlNode* first_element(const xmlNode* parent) {
    if (parent == nullptr) {
        return nullptr;
    }
    for (const xmlNode* c = parent->children; c != nullptr; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            return c;
        }
    }
    return nullptr;
}

const xmlNode* next_element(const xmlNode* node) {
    for (const xmlNode* c = node != nullptr ? node->next : nullptr; c != nullptr; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            return c;
        }
    }
    return nullptr;
}

const xmlNode* root_element(const xmlDoc* doc) {
    return doc != nullptr ? xmlDocGetRootElement(doc) : nullptr;
}

std::string attr(const xmlNode* node, const char* name) {
    const xmlAttr* a = find_attr(node, name, nullptr);
    return a != nullptr ? attr_value(a) : std::string();
}

bool has_attr(const xmlNode* node, const char* name) {
    return find_attr(node, name, nullptr) != nullptr;
}

std::string raw_text(const xmlNode* node) {
    std::string out;
    if (node == nullptr) {
        return out;
    }
    walk(
        node,
        [&](const xmlNode* n) {
            if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) &&
                n->content != nullptr) {
                out.append(cs(n->content));
            } else if (n->type == XML_ENTITY_REF_NODE) {
                append_entity(n, out);
            }
            return true;
        },
        [](const xmlNode*) {});
    return out;
}

std::string base_of(const xmlNode* node) {
    // Our own walk instead of xmlNodeGetBase: that reads xml:base with xmlGetNsProp, which
    // expands entity references recursively.
    std::vector<std::string> chain;
    for (const xmlNode* n = node; n != nullptr && n->type == XML_ELEMENT_NODE; n = n->parent) {
        if (const xmlAttr* a = find_attr(n, "base", kXmlNs)) {
            chain.push_back(attr_value(a));
        }
    }
    std::string base;
    if (node != nullptr && node->doc != nullptr && node->doc->URL != nullptr) {
        base = cs(node->doc->URL);
    }
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        base = resolve_url(base, *it);
    }
    return base;
}

std::string lang_of(const xmlNode* node) {
    for (const xmlNode* n = node; n != nullptr && n->type == XML_ELEMENT_NODE; n = n->parent) {
        if (const xmlAttr* a = find_attr(n, "lang", kXmlNs)) {
            return attr_value(a);
        }
    }
    return {};
}

}  // namespace ww::parse::xml

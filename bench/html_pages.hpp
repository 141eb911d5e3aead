#pragma once
// HTML pages for the fetch benchmark's "HTML to text" lines (also read by the parse tests).

#include <string>

namespace ww::bench {

namespace html_pages_detail {

inline std::string paragraph(int i) {
    return "Paragraph " + std::to_string(i) +
           ": negotiators met on Tuesday to discuss corridors, exchanges and a truce that both "
           "sides said they wanted to hold through the winter, officials said.";
}

// An inline SVG icon as sites paste them into their menus and share buttons.
inline std::string icon(int i) {
    std::string d = "M" + std::to_string(i % 7) + ".5 2.25C";
    for (int k = 0; k < 24; ++k) {
        d += std::to_string((i * 31 + k * 17) % 24) + "." + std::to_string(k % 10) + " " +
             std::to_string((i * 13 + k * 7) % 24) + ".25 ";
    }
    return "<svg class=\"icon icon-" + std::to_string(i) +
           "\" viewBox=\"0 0 24 24\" width=\"24\" height=\"24\" aria-hidden=\"true\" "
           "focusable=\"false\"><path fill-rule=\"evenodd\" d=\"" +
           d + "Z\"></path></svg>";
}

inline std::string analytics_script() {
    std::string js =
        "(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),"
        "event:'gtm.js'});var f=d.getElementsByTagName(s)[0],j=d.createElement(s),"
        "dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src='https://tags.example/gtm.js?id='+i+dl;"
        "f.parentNode.insertBefore(j,f);})(window,document,'script','dataLayer','GTM-XXXX');\n";
    for (int i = 0; i < 30; ++i) {
        js += "window.dataLayer.push({event:'page_meta_" + std::to_string(i) +
              "',section:'world',tags:['talks','truce','winter'],html:'<div class=\"promo\">"
              "<\\/div>',ok:a<b&&c>d});\n";
    }
    return "<script>" + js + "</script>";
}

// A framework's serialized state: the article again, as JSON, with markup in strings.
inline std::string state_script() {
    std::string json =
        "{\"props\":{\"pageProps\":{\"article\":{\"id\":\"a-20261126-0412\",\"headline\":"
        "\"Talks resume\",\"section\":\"world\",\"body\":[";
    for (int i = 0; i < 40; ++i) {
        json += std::string(i == 0 ? "" : ",") + "{\"type\":\"paragraph\",\"html\":\"<p>" +
                paragraph(i) + "<\\/p>\",\"id\":\"p" + std::to_string(i) + "\"}";
    }
    json += "],\"related\":[";
    for (int i = 0; i < 20; ++i) {
        json += std::string(i == 0 ? "" : ",") + "{\"url\":\"/world/story-" + std::to_string(i) +
                "\",\"title\":\"Related story number " + std::to_string(i) +
                "\",\"image\":{\"src\":\"https://img.example/" + std::to_string(i) +
                ".jpg\",\"width\":640,\"height\":360}}";
    }
    json += "]}},\"buildId\":\"b7f1c2\",\"runtimeConfig\":{\"ads\":true,\"consent\":\"tcf2\"}}}";
    return "<script id=\"__NEXT_DATA__\" type=\"application/json\">" + json + "</script>";
}

inline std::string ad_script() {
    std::string js = "var googletag=googletag||{};googletag.cmd=googletag.cmd||[];\n";
    for (int i = 0; i < 12; ++i) {
        js += "googletag.cmd.push(function(){googletag.defineSlot('/1234/news/world'," +
              std::string("[[300,250],[728,90]],'ad-slot-") + std::to_string(i) +
              "').addService(googletag.pubads()).setTargeting('pos','" + std::to_string(i) +
              "');});\n";
    }
    js +=
        "googletag.cmd.push(function(){googletag.pubads().enableSingleRequest();"
        "googletag.enableServices();});";
    return "<script async src=\"https://ads.example/tag.js\"></script><script>" + js + "</script>";
}

inline std::string style_block() {
    std::string css;
    for (int i = 0; i < 60; ++i) {
        const std::string n = std::to_string(i);
        css += ".c" + n + "{margin:0 auto;padding:" + n +
               "px 16px;font:400 1rem/1.5 Georgia,serif;color:#1a1a1a}"
               ".c" +
               n + ">a:hover{text-decoration:underline;color:#0a58ca}\n";
    }
    css += "@media (max-width:640px){.nav{display:none}.story p{font-size:1.05rem}}";
    return "<style>" + css + "</style>";
}

}  // namespace html_pages_detail

// A clean article page: a title, a short nav, 40 paragraphs and a footer, nothing else.
inline std::string clean_article_page() {
    using html_pages_detail::paragraph;
    std::string html =
        "<!doctype html><html lang=\"en\"><head><title>Story</title></head><body>"
        "<header><nav><a href=/>Home</a><a href=/world>World</a></nav></header>"
        "<article><h1>Talks resume</h1>";
    for (int i = 0; i < 40; ++i) {
        html += "<p>" + paragraph(i) + "</p>";
    }
    return html + "</article><footer>Copyright, cookies, newsletter</footer></body></html>";
}

// A page shaped like a real news article page: a head with several inline scripts (analytics,
// a JSON state blob holding the article again, ad code, JSON-LD) and a style block, a nav menu
// with attributes, SVG icons, comments, the same 40 article paragraphs as clean_article_page(),
// related links and a footer. About 70% of its bytes are script, style, SVG and comments, the
// share on real news pages being 40-80%.
inline std::string news_article_page() {
    using namespace html_pages_detail;
    std::string html =
        "<!DOCTYPE html><html lang=\"en\" class=\"no-js\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>Talks resume | The Daily Courier</title>"
        "<meta name=\"description\" content=\"Negotiators met on Tuesday to discuss corridors.\">"
        "<meta property=\"og:title\" content=\"Talks resume\">"
        "<meta property=\"og:type\" content=\"article\">"
        "<meta property=\"article:published_time\" content=\"2026-11-26T08:00:00Z\">"
        "<meta name=\"author\" content=\"A. Reporter\">"
        "<link rel=\"canonical\" href=\"https://news.example/world/talks-resume\">"
        "<link rel=\"preload\" as=\"font\" href=\"/fonts/serif.woff2\" crossorigin>"
        "<!-- Google Tag Manager -->";
    html += analytics_script();
    html += "<!-- End Google Tag Manager -->";
    html += style_block();
    html += ad_script();
    html +=
        "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\",\"@type\":"
        "\"NewsArticle\",\"headline\":\"Talks resume\",\"datePublished\":\"2026-11-26T08:00:00Z\","
        "\"author\":[{\"@type\":\"Person\",\"name\":\"A. Reporter\"}],\"publisher\":{\"@type\":"
        "\"Organization\",\"name\":\"The Daily Courier\"}}</script></head>"
        "<body class=\"article-page section-world\"><a class=\"skip-link sr-only\" "
        "href=\"#main\">Skip to content</a><header class=\"site-header\" role=\"banner\">"
        "<nav class=\"nav\" aria-label=\"Main\"><ul class=\"nav-list\">";
    const char* const sections[] = {"World",  "Politics", "Business", "Tech",    "Science",
                                    "Health", "Sport",    "Culture",  "Opinion", "Travel"};
    int icons = 0;
    for (int i = 0; i < 30; ++i) {
        const std::string s = sections[i % 10];
        html += "<li class=\"nav-item nav-item--" + std::to_string(i) +
                "\" data-track=\"nav\" data-position=\"" + std::to_string(i) +
                "\"><a class=\"nav-link\" href=\"/" + s + "/" + std::to_string(i) + "\">" +
                (i % 5 == 0 ? icon(icons++) : std::string()) + s + "</a></li>";
    }
    html += "</ul></nav><button class=\"menu-toggle\" aria-expanded=\"false\">" + icon(icons++) +
            "Menu</button></header><!-- ad slot: leaderboard --><div id=\"ad-slot-0\" "
            "class=\"ad ad-leaderboard\"></div><main id=\"main\"><article class=\"story\">"
            "<h1 class=\"story-headline\">Talks resume</h1><div class=\"byline\">By <a "
            "href=\"/people/a-reporter\" rel=\"author\">A. Reporter</a> <time datetime="
            "\"2026-11-26T08:00:00Z\">26 November 2026</time></div><div class=\"share\">";
    for (int i = 0; i < 4; ++i) {
        html += "<a class=\"share-link\" href=\"https://share.example/" + std::to_string(i) +
                "\">" + icon(icons++) + "</a>";
    }
    html += "</div><div class=\"story-body\" itemprop=\"articleBody\">";
    for (int i = 0; i < 40; ++i) {
        html += "<p>" + paragraph(i) + "</p>";
        if (i % 10 == 9) {
            html += "<!-- ad slot: in-article " + std::to_string(i) +
                    " --><div class=\"ad ad-inline\" id=\"ad-slot-" + std::to_string(i) +
                    "\"></div>";
        }
    }
    html += "</div></article><aside class=\"related\" aria-label=\"Related\"><h2>Related</h2><ul>";
    for (int i = 0; i < 12; ++i) {
        html += "<li><a href=\"/world/story-" + std::to_string(i) + "\">Related story number " +
                std::to_string(i) + "</a></li>";
    }
    html += "</ul></aside></main><footer class=\"site-footer\" role=\"contentinfo\"><ul>";
    for (int i = 0; i < 20; ++i) {
        html += "<li><a href=\"/about/" + std::to_string(i) + "\">Footer link " +
                std::to_string(i) + "</a></li>";
    }
    html += "</ul><p>Subscribe to our newsletter. Copyright 2026 The Daily Courier.</p></footer>";
    html += state_script();
    html +=
        "<script>document.documentElement.className=document.documentElement.className"
        ".replace('no-js','js');if(window.performance){performance.mark('page-end');}</script>"
        "</body></html>";
    return html;
}

}  // namespace ww::bench

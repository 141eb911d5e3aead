#pragma once
// Textual repair of the markup mistakes real feeds make, applied only after a strict parse
// failed, so that recover mode keeps what a lenient reader would show.

#include <string>
#include <string_view>

namespace ww::parse::detail {

// - a '&' that starts no valid reference becomes "&amp;" ("Q&A", "?a=1&b=2");
// - HTML named entities the document never declared (&nbsp; &eacute; &mdash;) become numeric
//   character references; unknown names are escaped so their text survives;
// - numeric references to characters XML forbids (&#0; &#1;) are dropped; &#128;-&#159; become
//   the Windows-1252 characters they were meant as;
// - a '<' that cannot start markup ("a < b") becomes "&lt;".
// Comments, CDATA sections, processing instructions and the DOCTYPE are copied untouched;
// entities declared in the internal subset keep their references (libxml2 handles them,
// without substitution).
std::string repair_markup(std::string_view xml);

}  // namespace ww::parse::detail

#include "wirewatch/document.hpp"

namespace ww {

const char* field_name(Field f) {
    switch (f) {
        case Field::Title:
            return "title";
        case Field::Summary:
            return "summary";
        case Field::Body:
            return "body";
        case Field::Url:
            return "url";
    }
    return "body";
}

const std::string& Document::field(Field f) const {
    switch (f) {
        case Field::Title:
            return title;
        case Field::Summary:
            return summary;
        case Field::Body:
            return body;
        case Field::Url:
            return url;
    }
    return body;
}

}  // namespace ww

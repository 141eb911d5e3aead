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

unsigned field_bit(std::string_view name) {
    for (Field f : {Field::Title, Field::Summary, Field::Body, Field::Url}) {
        if (name == field_name(f)) {
            return static_cast<unsigned>(f);
        }
    }
    return 0;
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

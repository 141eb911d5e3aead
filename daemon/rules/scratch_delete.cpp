#include "rules/compiled.hpp"

void std::default_delete<ww::rules::Scratch>::operator()(ww::rules::Scratch* scratch) const {
    delete scratch;
}

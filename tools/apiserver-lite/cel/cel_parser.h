// Parses CEL source text into an Expr tree. Errors name the column, as cel-go's do:
// "Syntax error: unexpected token ')' at column 12".
#pragma once

#include <string_view>

#include "common/status.h"
#include "tools/apiserver-lite/cel/cel_ast.h"

namespace hvo::apiserver::cel {

Result<ExprPtr> parse(std::string_view source);

}  // namespace hvo::apiserver::cel

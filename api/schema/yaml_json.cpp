#include "api/schema/yaml_json.h"

#include <cmath>
#include <map>
#include <sstream>
#include <string>

#include <yaml-cpp/anchor.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "api/schema/yaml_scalar.h"

namespace hvo::schema {
namespace {

// Limits that keep hostile input from exhausting the stack or memory. Aliases let a few lines of
// YAML expand into billions of nodes ("billion laughs"); go-yaml refuses those too.
constexpr int kMaxDepth = 512;
constexpr size_t kMaxExpandedNodes = 2'000'000;

constexpr const char* kStrTag = "tag:yaml.org,2002:str";
constexpr const char* kIntTag = "tag:yaml.org,2002:int";
constexpr const char* kFloatTag = "tag:yaml.org,2002:float";
constexpr const char* kBoolTag = "tag:yaml.org,2002:bool";
constexpr const char* kNullTag = "tag:yaml.org,2002:null";

// Thrown inside this file only; yaml_to_json_documents turns it into an Error.
struct ConversionError {
  YAML::Mark mark;
  std::string message;
};

std::string where(const YAML::Mark& mark) {
  if (mark.is_null())
    return "";
  return "line " + std::to_string(mark.line + 1) + ", column " + std::to_string(mark.column + 1) +
         ": ";
}

class Converter {
 public:
  nlohmann::json convert(const YAML::Node& node, int depth) {
    if (depth > kMaxDepth) {
      throw ConversionError{node.Mark(), "nesting deeper than " + std::to_string(kMaxDepth)};
    }
    if (++expanded_ > kMaxExpandedNodes) {
      throw ConversionError{node.Mark(), "document expands to more than " +
                                             std::to_string(kMaxExpandedNodes) +
                                             " nodes (too many alias references)"};
    }
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        return nullptr;
      case YAML::NodeType::Scalar:
        return scalar(node);
      case YAML::NodeType::Sequence: {
        nlohmann::json array = nlohmann::json::array();
        for (const YAML::Node& item : node)
          array.push_back(convert(item, depth + 1));
        return array;
      }
      case YAML::NodeType::Map:
        return mapping(node, depth);
    }
    return nullptr;
  }

 private:
  nlohmann::json scalar(const YAML::Node& node) {
    const std::string& text = node.Scalar();
    const std::string& tag = node.Tag();
    // yaml-cpp tags quoted and block scalars "!": they are strings whatever they look like.
    if (tag == "!" || tag == kStrTag)
      return text;
    nlohmann::json value = resolve_plain_scalar(text);
    if (tag == kIntTag && !value.is_number_integer()) {
      throw ConversionError{node.Mark(), "cannot decode \"" + text + "\" as !!int"};
    }
    if (tag == kFloatTag && !value.is_number()) {
      throw ConversionError{node.Mark(), "cannot decode \"" + text + "\" as !!float"};
    }
    if (tag == kBoolTag && !value.is_boolean()) {
      throw ConversionError{node.Mark(), "cannot decode \"" + text + "\" as !!bool"};
    }
    if (tag == kNullTag && !value.is_null()) {
      throw ConversionError{node.Mark(), "cannot decode \"" + text + "\" as !!null"};
    }
    if (value.is_number_float() && !std::isfinite(value.get<double>())) {
      throw ConversionError{node.Mark(),
                            "value " + text + " (infinity or NaN) cannot be represented in JSON"};
    }
    return value;
  }

  std::string key_string(const YAML::Node& key) {
    if (key.Type() == YAML::NodeType::Null)
      return "null";
    if (key.Type() != YAML::NodeType::Scalar) {
      throw ConversionError{key.Mark(), "mapping keys must be scalars, not a sequence or mapping"};
    }
    if (key.Tag() == "!" || key.Tag() == kStrTag)
      return key.Scalar();
    return plain_key_to_string(key.Scalar());
  }

  nlohmann::json mapping(const YAML::Node& node, int depth) {
    nlohmann::json object = nlohmann::json::object();
    std::map<std::string, YAML::Mark> defined_at;
    std::vector<YAML::Node> merges;
    for (const auto& entry : node) {
      const YAML::Node& key = entry.first;
      if (key.Type() == YAML::NodeType::Scalar && key.Tag() == "?" && key.Scalar() == "<<") {
        merges.push_back(entry.second);
        continue;
      }
      std::string name = key_string(key);
      const auto [it, inserted] = defined_at.emplace(name, key.Mark());
      if (!inserted) {
        throw ConversionError{key.Mark(), "mapping key \"" + name + "\" already defined at line " +
                                              std::to_string(it->second.line + 1)};
      }
      object[name] = convert(entry.second, depth + 1);
    }
    // Merge keys: keys written in this mapping win, then earlier merged mappings over later ones.
    for (const YAML::Node& merge : merges) {
      if (merge.IsMap()) {
        merge_into(object, merge, depth);
      } else if (merge.IsSequence()) {
        for (const YAML::Node& item : merge) {
          if (!item.IsMap()) {
            throw ConversionError{item.Mark(), "map merge requires map or sequence of maps"};
          }
          merge_into(object, item, depth);
        }
      } else {
        throw ConversionError{merge.Mark(), "map merge requires map or sequence of maps"};
      }
    }
    return object;
  }

  void merge_into(nlohmann::json& object, const YAML::Node& source, int depth) {
    const nlohmann::json merged = mapping(source, depth + 1);
    for (auto it = merged.begin(); it != merged.end(); ++it) {
      if (!object.contains(it.key()))
        object[it.key()] = it.value();
    }
  }

  size_t expanded_ = 0;
};

// Sees where each document of a stream starts, and nothing else.
class DocumentStarts : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

  YAML::Mark start;
};

// yaml-cpp 0.7 (Debian's) loops for ever, allocating, when a ',' stands where a block node
// should start (",", "- a\n,": its issue 1040, fixed in 0.8): each document it "reads" starts
// where the last one did. A first pass over the events, cheap next to building nodes, refuses
// such a stream before YAML::LoadAll sees it.
void refuse_stalled_stream(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts starts;
  int previous = -1;
  while (parser.HandleNextDocument(starts)) {
    if (starts.start.pos == previous)
      throw ConversionError{starts.start, "unexpected ',' outside a flow collection"};
    previous = starts.start.pos;
  }
}

}  // namespace

Result<std::vector<nlohmann::json>> yaml_to_json_documents(std::string_view yaml) {
  std::vector<YAML::Node> nodes;
  try {
    refuse_stalled_stream(std::string(yaml));
    nodes = YAML::LoadAll(std::string(yaml));
  } catch (const ConversionError& e) {
    return Error(ErrorCode::kInvalidArgument, "invalid YAML: " + where(e.mark) + e.message);
  } catch (const YAML::Exception& e) {
    return Error(ErrorCode::kInvalidArgument, "invalid YAML: " + where(e.mark) + e.msg);
  }
  std::vector<nlohmann::json> documents;
  try {
    for (const YAML::Node& node : nodes) {
      if (node.IsNull() || !node.IsDefined())
        continue;
      Converter converter;
      documents.push_back(converter.convert(node, 0));
      // YAML text must be Unicode (go-yaml refuses other bytes). yaml-cpp passes them through
      // into strings, and such a string cannot be written as JSON later (nlohmann's dump
      // throws), so it is refused here, where the caller expects errors.
      try {
        (void)documents.back().dump();
      } catch (const nlohmann::json::type_error&) {
        return Error(ErrorCode::kInvalidArgument, "invalid YAML: document " +
                                                      std::to_string(documents.size()) +
                                                      " holds text that is not valid UTF-8");
      }
    }
  } catch (const ConversionError& e) {
    return Error(ErrorCode::kInvalidArgument, "invalid YAML: " + where(e.mark) + e.message);
  } catch (const YAML::Exception& e) {
    return Error(ErrorCode::kInvalidArgument, "invalid YAML: " + where(e.mark) + e.msg);
  }
  return documents;
}

Result<nlohmann::json> yaml_to_json(std::string_view yaml) {
  auto documents = yaml_to_json_documents(yaml);
  if (!documents.ok())
    return documents.error();
  if (documents->size() != 1) {
    return Error(ErrorCode::kInvalidArgument,
                 "expected exactly one YAML document, found " + std::to_string(documents->size()));
  }
  return std::move(documents->front());
}

}  // namespace hvo::schema

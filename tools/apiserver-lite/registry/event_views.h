// core/v1 Event and events.k8s.io/v1 Event: two views of one stored Event, as in kube-apiserver
// (both resources write /registry/events/NS/NAME in the core/v1 shape). The field mapping is
// the one of k8s.io/kubernetes pkg/apis/events/v1 conversion:
//   regarding <-> involvedObject, note <-> message, reportingController <-> reportingComponent,
//   deprecatedSource <-> source, deprecatedFirstTimestamp <-> firstTimestamp,
//   deprecatedLastTimestamp <-> lastTimestamp, deprecatedCount <-> count;
//   eventTime, series, reportingInstance, action, reason, type, related keep their names.
// Both views are rendered in the shape Go's encoding gives the typed structs: fields without
// omitempty (core's reportingComponent/reportingInstance, events' eventTime) are always there,
// struct-valued ones are {} and unset timestamps null, zero counts and empty strings omitted.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/apiserver-lite/registry/resource_type.h"

namespace hvo::apiserver {

// The stored (core/v1) form of an events.k8s.io/v1 Event. Fields neither version knows are
// dropped, as decoding into the typed struct drops them.
nlohmann::json core_event_from_events_v1(const nlohmann::json& event);
// The events.k8s.io/v1 view of a stored Event.
nlohmann::json events_v1_from_core_event(const nlohmann::json& stored);
// The core/v1 view of a stored Event (the stored object in the typed struct's JSON shape).
nlohmann::json core_event_view(const nlohmann::json& stored);

// The value of the core/v1 `source` field selector: source.component, or reportingComponent
// when that is empty (pkg/registry/core/event ToSelectableFields).
std::string core_event_source_field(const nlohmann::json& core_event);

// The columns kube's event printer shows for both views (Last Seen, Type, Reason, Object,
// Message; with -o wide Subobject, Source, First Seen, Count), computed from the core form as
// upstream prints the internal Event: Last Seen falls back from series.lastObservedTime to
// lastTimestamp, firstTimestamp and eventTime; Object is "kind/name" with the kind lower-cased.
// `to_core` turns a served object into the core form (nullptr: it already is).
std::vector<PrinterColumn> event_printer_columns(
    std::function<nlohmann::json(const nlohmann::json&)> to_core);

}  // namespace hvo::apiserver

#include "tools/apiserver-lite/audit/audited_responder.h"

#include <mutex>

#include "tools/apiserver-lite/util/random_ids.h"

namespace hvo::apiserver {
namespace {

// Writes the ResponseComplete event once, when the stream is closed by its writer or released.
class AuditedStream : public net::ResponseStream {
 public:
  AuditedStream(std::shared_ptr<net::ResponseStream> inner, std::shared_ptr<AuditLog> log,
                nlohmann::json complete_event)
      : inner_(std::move(inner)),
        log_(std::move(log)),
        complete_event_(std::move(complete_event)) {}
  ~AuditedStream() override { finish(); }

  bool write(std::string_view chunk) override { return inner_->write(chunk); }
  void close() override {
    finish();
    inner_->close();
  }
  bool closed() const override { return inner_->closed(); }

 private:
  void finish() {
    std::call_once(finished_, [this] {
      complete_event_["stageTimestamp"] = audit_timestamp(std::chrono::system_clock::now());
      log_->write(complete_event_);
    });
  }

  std::shared_ptr<net::ResponseStream> inner_;
  std::shared_ptr<AuditLog> log_;
  nlohmann::json complete_event_;
  std::once_flag finished_;
};

}  // namespace

AuditedResponder::AuditedResponder(net::Responder& inner, std::shared_ptr<AuditLog> log,
                                   const net::HttpRequest& request)
    : inner_(inner), log_(std::move(log)) {
  record_.audit_id = random_uuid();
  record_.request = &request;
  record_.received = std::chrono::system_clock::now();
}

void AuditedResponder::set_user(std::optional<UserInfo> user, bool anonymous) {
  record_.user = std::move(user);
  record_.anonymous = anonymous;
}

nlohmann::json AuditedResponder::event(const std::string& stage, int code) const {
  AuditRecord record = record_;
  record.stage = stage;
  record.code = code;
  record.stage_time = std::chrono::system_clock::now();
  return audit_event(record);
}

void AuditedResponder::reply(net::HttpResponse response) {
  response.headers["Audit-Id"] = record_.audit_id;
  log_->write(event("ResponseComplete", response.status));
  inner_.reply(std::move(response));
}

std::shared_ptr<net::ResponseStream> AuditedResponder::stream(int status, net::Headers headers) {
  headers["Audit-Id"] = record_.audit_id;
  log_->write(event("ResponseStarted", status));
  auto complete = event("ResponseComplete", status);
  return std::make_shared<AuditedStream>(inner_.stream(status, std::move(headers)), log_,
                                         std::move(complete));
}

}  // namespace hvo::apiserver

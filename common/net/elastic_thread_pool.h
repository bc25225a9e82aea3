// Threads for request handlers, started on demand: a task never waits for a busy thread, because
// a handler may block for as long as a watch stays open. Idle threads exit after a while, so the
// pool shrinks back after a burst. Pure C++; used by the HTTP server to keep handlers off its
// I/O threads.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace hvo::net {

class ElasticThreadPool {
 public:
  explicit ElasticThreadPool(std::chrono::milliseconds idle_exit = std::chrono::seconds(30));
  ~ElasticThreadPool();  // stop()
  ElasticThreadPool(const ElasticThreadPool&) = delete;
  ElasticThreadPool& operator=(const ElasticThreadPool&) = delete;

  // Runs `task` on an idle thread, or on a new one when none is idle. False once stopping.
  bool submit(std::function<void()> task);

  // Refuses new tasks, lets queued and running ones finish, and joins every thread.
  void stop();

  std::size_t thread_count() const;
  // Threads waiting for a task.
  std::size_t idle_count() const;

 private:
  void work();
  void reap_exited_locked(std::vector<std::thread>& to_join);

  const std::chrono::milliseconds idle_exit_;
  mutable std::mutex mu_;
  std::condition_variable work_ready_;
  std::deque<std::function<void()>> tasks_;
  std::map<std::thread::id, std::thread> threads_;
  std::vector<std::thread::id> exited_;  // threads that left work() and wait to be joined
  std::size_t idle_ = 0;
  bool stopping_ = false;
};

}  // namespace hvo::net

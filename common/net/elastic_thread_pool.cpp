#include "common/net/elastic_thread_pool.h"

#include <utility>

namespace hvo::net {

ElasticThreadPool::ElasticThreadPool(std::chrono::milliseconds idle_exit) : idle_exit_(idle_exit) {}

ElasticThreadPool::~ElasticThreadPool() {
  stop();
}

bool ElasticThreadPool::submit(std::function<void()> task) {
  std::vector<std::thread> to_join;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_)
      return false;
    reap_exited_locked(to_join);
    tasks_.push_back(std::move(task));
    if (tasks_.size() > idle_) {
      std::thread thread([this] { work(); });
      auto id = thread.get_id();
      threads_.emplace(id, std::move(thread));
    } else {
      work_ready_.notify_one();
    }
  }
  // Threads in exited_ have left work() and only return; joining them is immediate.
  for (auto& thread : to_join)
    thread.join();
  return true;
}

void ElasticThreadPool::reap_exited_locked(std::vector<std::thread>& to_join) {
  for (auto id : exited_) {
    auto it = threads_.find(id);
    if (it == threads_.end())
      continue;
    to_join.push_back(std::move(it->second));
    threads_.erase(it);
  }
  exited_.clear();
}

void ElasticThreadPool::work() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    if (tasks_.empty()) {
      if (stopping_)
        break;
      ++idle_;
      bool woken =
          work_ready_.wait_for(lock, idle_exit_, [this] { return !tasks_.empty() || stopping_; });
      --idle_;
      if (!woken)
        break;  // idle for idle_exit_: give the thread back
      continue;
    }
    auto task = std::move(tasks_.front());
    tasks_.pop_front();
    lock.unlock();
    task();
    lock.lock();
  }
  // While stopping, stop() owns and joins every thread; otherwise the next submit() does.
  if (!stopping_)
    exited_.push_back(std::this_thread::get_id());
}

void ElasticThreadPool::stop() {
  std::map<std::thread::id, std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    threads.swap(threads_);
    exited_.clear();  // their std::thread objects moved into `threads` above
  }
  work_ready_.notify_all();
  for (auto& [id, thread] : threads)
    thread.join();
}

std::size_t ElasticThreadPool::thread_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return threads_.size() - exited_.size();
}

std::size_t ElasticThreadPool::idle_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return idle_;
}

}  // namespace hvo::net

// The agent's memory of the highest leader-Lease epoch: it only goes up, a lower epoch is
// reported stale without lowering it, a raise is on disk when observe() returns (a store opened
// again on the file knows it), concurrent raises keep the highest, and a corrupt file is refused
// rather than read as "nothing seen" (which would let a former leader through).
#include "hostagent/server/lease_epoch_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <thread>
#include <vector>

#include "tests/net/test_certs.h"

namespace hvo::agent {
namespace {

std::unique_ptr<LeaseEpochStore> open_store(const std::string& path) {
  auto store = LeaseEpochStore::open(path);
  EXPECT_TRUE(store.ok()) << store.error().message();
  return std::move(store).value();
}

TEST(LeaseEpochStore, AMissingFileMeansNoEpochSeenYet) {
  hvo::testing::TempDir dir;
  auto store = open_store(dir.path() + "/lease-epoch.json");
  EXPECT_EQ(store->highest(), std::nullopt);
  const auto verdict = store->observe({0, "a"});
  EXPECT_FALSE(verdict.stale);
  ASSERT_TRUE(verdict.highest.has_value());
  EXPECT_EQ(verdict.highest->epoch, 0);
  EXPECT_EQ(verdict.highest->holder, "a");
}

TEST(LeaseEpochStore, OnlyGoesUpAndReportsALowerEpochStale) {
  hvo::testing::TempDir dir;
  auto store = open_store(dir.path() + "/lease-epoch.json");
  struct Row {
    const char* name;
    int64_t epoch;
    const char* holder;
    bool stale;
    int64_t highest;
    const char* highest_holder;
  };
  const Row rows[] = {
      {"first", 4, "a", false, 4, "a"},
      {"same epoch again", 4, "a", false, 4, "a"},
      {"lower", 3, "old", true, 4, "a"},
      {"higher", 6, "b", false, 6, "b"},
      {"the former one again", 4, "a", true, 6, "b"},
      {"same epoch, other name", 6, "c", false, 6, "b"},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    const auto verdict = store->observe({row.epoch, row.holder});
    EXPECT_EQ(verdict.stale, row.stale);
    ASSERT_TRUE(verdict.highest.has_value());
    EXPECT_EQ(verdict.highest->epoch, row.highest);
    EXPECT_EQ(verdict.highest->holder, row.highest_holder);
    EXPECT_FALSE(verdict.persist_error.has_value());
  }
}

TEST(LeaseEpochStore, ARaiseIsOnDiskForTheNextStoreOnTheFile) {
  hvo::testing::TempDir dir;
  const std::string path = dir.path() + "/lease-epoch.json";
  {
    auto store = open_store(path);
    store->observe({9, "operator-b"});
    store->observe({2, "operator-a"});  // stale: not written
  }
  auto reopened = open_store(path);
  ASSERT_TRUE(reopened->highest().has_value());
  EXPECT_EQ(reopened->highest()->epoch, 9);
  EXPECT_EQ(reopened->highest()->holder, "operator-b");
  EXPECT_TRUE(reopened->observe({8, "operator-a"}).stale);
}

TEST(LeaseEpochStore, ConcurrentObserversKeepTheHighestInMemoryAndOnDisk) {
  hvo::testing::TempDir dir;
  const std::string path = dir.path() + "/lease-epoch.json";
  auto store = open_store(path);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 50;
  std::vector<std::thread> threads;
  std::vector<int> wrong_answers(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Interleaved sequences: thread t sends t, t+8, t+16, ... so raises race each other.
      for (int i = 0; i < kPerThread; ++i) {
        const int64_t epoch = t + static_cast<int64_t>(i) * kThreads;
        const auto verdict = store->observe({epoch, "holder-" + std::to_string(epoch)});
        // Whatever came first, the answer is never below what this call sent unless stale.
        if (!verdict.stale && verdict.highest->epoch != epoch)
          ++wrong_answers[t];
        if (verdict.stale && verdict.highest->epoch <= epoch)
          ++wrong_answers[t];
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  const int64_t max_epoch = kThreads - 1 + (kPerThread - 1) * kThreads;
  for (int t = 0; t < kThreads; ++t)
    EXPECT_EQ(wrong_answers[t], 0) << "thread " << t;
  ASSERT_TRUE(store->highest().has_value());
  EXPECT_EQ(store->highest()->epoch, max_epoch);
  auto reopened = open_store(path);
  ASSERT_TRUE(reopened->highest().has_value());
  EXPECT_EQ(reopened->highest()->epoch, max_epoch);
  EXPECT_EQ(reopened->highest()->holder, "holder-" + std::to_string(max_epoch));
}

TEST(LeaseEpochStore, ACorruptFileIsRefusedNotReadAsNothingSeen) {
  hvo::testing::TempDir dir;
  const std::string path = dir.path() + "/lease-epoch.json";
  for (const char* content : {"{\"epoch\":", "{\"holder\":\"a\"}", "{\"epoch\":-1}", "[]"}) {
    SCOPED_TRACE(content);
    std::ofstream(path, std::ios::trunc) << content;
    auto store = LeaseEpochStore::open(path);
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.error().code(), ErrorCode::kInternal);
    EXPECT_NE(store.error().message().find(path), std::string::npos) << store.error().message();
  }
}

}  // namespace
}  // namespace hvo::agent

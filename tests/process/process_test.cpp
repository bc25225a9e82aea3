#include "common/process/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "tests/runtime/temp_dir.h"

namespace hvo::process {
namespace {

using hvo::kube::testing::TempDir;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Generous bounds: they only keep a broken test from hanging, they never decide an outcome.
constexpr auto kLong = seconds(20);

Process start(Options options) {
  auto process = Process::spawn(options);
  if (!process.ok()) {
    ADD_FAILURE() << process.error().message();
    std::abort();
  }
  return std::move(process).value();
}

Options capture(std::vector<std::string> argv) {
  Options options;
  options.argv = std::move(argv);
  options.std_out = Stdio::pipe();
  options.std_err = Stdio::pipe();
  return options;
}

// Runs argv to completion and returns its stdout.
std::string output_of(Options options) {
  Process process = start(std::move(options));
  auto output = process.read_all(kLong);
  EXPECT_TRUE(output.ok()) << output.error().message();
  EXPECT_TRUE(process.wait(kLong)->success());
  return output.ok() ? output->out : "";
}

bool is_gone_or_zombie(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) {
    return true;
  }
  const auto state = line.find(") ");
  return state != std::string::npos && line[state + 2] == 'Z';
}

TEST(Process, PassesArgvLiterallyWithoutAShell) {
  const std::vector<std::string> tricky = {
      "two  spaces", "\"double\"", "'single'",  "$(echo injected)", "`id`", "; rm -rf /",
      "$HOME",       "",           "new\nline", "back\\slash",      "*",    "ünïcödé ✓"};
  std::vector<std::string> argv = {"/bin/sh", "-c", "printf '[%s]\\n' \"$@\"", "sh"};
  argv.insert(argv.end(), tricky.begin(), tricky.end());
  std::string expected;
  for (const auto& arg : tricky) {
    expected += "[" + arg + "]\n";
  }
  EXPECT_EQ(output_of(capture(argv)), expected);
  EXPECT_EQ(output_of(capture({"echo", "$(id)", "a b"})), "$(id) a b\n") << "found on PATH";
}

TEST(Process, AddsAndOverridesEnvironment) {
  setenv("HVO_PROCESS_TEST_INHERITED", "from parent", 1);
  Options options = capture({"/bin/sh", "-c",
                             "printf '%s|%s|%s' \"$HVO_PROCESS_TEST_INHERITED\" \"$HVO_ADDED\" "
                             "\"$HOME\""});
  options.env = {{"HVO_ADDED", "x y $z"}, {"HOME", "/nowhere"}};
  EXPECT_EQ(output_of(options), "from parent|x y $z|/nowhere");

  Options clean = capture({"/usr/bin/env"});
  clean.inherit_env = false;
  clean.env = {{"ONLY", "this"}};
  EXPECT_EQ(output_of(clean), "ONLY=this\n");
  unsetenv("HVO_PROCESS_TEST_INHERITED");
}

TEST(Process, RunsInTheWorkingDirectory) {
  TempDir dir;
  Options options = capture({"/bin/pwd", "-P"});
  options.working_dir = dir.path().string();
  EXPECT_EQ(output_of(options), std::filesystem::canonical(dir.path()).string() + "\n");

  options.working_dir = (dir.path() / "missing").string();
  auto failed = Process::spawn(options);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(failed.error().message().find("chdir " + options.working_dir), std::string::npos)
      << failed.error().message();
}

TEST(Process, ReportsSpawnErrorsWithContext) {
  auto missing = Process::spawn(capture({"hvo-no-such-program"}));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message().find("hvo-no-such-program"), std::string::npos);

  EXPECT_EQ(Process::spawn(Options{}).error().code(), ErrorCode::kInvalidArgument);

  Options bad_file = capture({"/bin/true"});
  bad_file.std_out = Stdio::file("/nonexistent-dir/out.log");
  auto failed = Process::spawn(bad_file);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message().find("stdout: open /nonexistent-dir/out.log"),
            std::string::npos)
      << failed.error().message();
}

TEST(Process, StdinRoundTripsThroughCat) {
  Options options = capture({"/bin/cat"});
  options.std_in = Stdio::pipe();
  Process cat = start(options);
  ASSERT_TRUE(cat.write_stdin("hello\n", kLong).ok());
  ASSERT_TRUE(cat.write_stdin(std::string("with\0nul\n", 9), kLong).ok());
  cat.close_stdin();
  auto output = cat.read_all(kLong);
  ASSERT_TRUE(output.ok()) << output.error().message();
  EXPECT_EQ(output->out, std::string("hello\nwith\0nul\n", 15));
  EXPECT_TRUE(cat.wait(kLong)->success());
}

TEST(Process, CommunicateMovesMegabytesBothWaysWithoutDeadlock) {
  // Larger than any pipe buffer in both directions: cat blocks writing unless we read while we
  // write.
  std::string big;
  for (int i = 0; big.size() < 4 * 1024 * 1024; ++i) {
    big += "line " + std::to_string(i) + "\n";
  }
  Options options = capture({"/bin/sh", "-c", "tee /dev/stderr"});
  options.std_in = Stdio::pipe();
  Process tee = start(options);
  auto output = tee.communicate(big, kLong);
  ASSERT_TRUE(output.ok()) << output.error().message();
  EXPECT_EQ(output->out, big);
  EXPECT_EQ(output->err, big);
  EXPECT_TRUE(tee.wait(kLong)->success());
}

TEST(Process, ReadsFramedRepliesIncrementallyWithTimeouts) {
  Options options = capture({"/bin/cat"});
  options.std_in = Stdio::pipe();
  Process worker = start(options);

  ASSERT_TRUE(worker.write_stdin("ping\n").ok());
  EXPECT_EQ(*worker.read_until(Stream::kStdout, "\n", kLong), "ping\n");

  auto nothing = worker.read_some(Stream::kStdout, milliseconds(50));
  ASSERT_FALSE(nothing.ok());
  EXPECT_EQ(nothing.error().code(), ErrorCode::kTimeout);
  auto no_frame = worker.read_until(Stream::kStdout, "\n", milliseconds(50));
  ASSERT_FALSE(no_frame.ok());
  EXPECT_EQ(no_frame.error().code(), ErrorCode::kTimeout);

  // Two frames and half of a third in one write; the half stays buffered until completed.
  ASSERT_TRUE(worker.write_stdin("{\"a\":1}\n\n{\"b\":2}\n\n{\"c\"").ok());
  EXPECT_EQ(*worker.read_until(Stream::kStdout, "\n\n", kLong), "{\"a\":1}\n\n");
  EXPECT_EQ(*worker.read_until(Stream::kStdout, "\n\n", kLong), "{\"b\":2}\n\n");
  ASSERT_EQ(worker.read_until(Stream::kStdout, "\n\n", milliseconds(50)).error().code(),
            ErrorCode::kTimeout);
  ASSERT_TRUE(worker.write_stdin(":3}\n\ntail").ok());
  EXPECT_EQ(*worker.read_until(Stream::kStdout, "\n\n", kLong), "{\"c\":3}\n\n");

  worker.close_stdin();
  auto ended = worker.read_until(Stream::kStdout, "\n\n", kLong);
  ASSERT_FALSE(ended.ok());
  EXPECT_EQ(ended.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(*worker.read_some(Stream::kStdout, kLong), "tail") << "kept after the failed read";
  EXPECT_EQ(*worker.read_some(Stream::kStdout, kLong), "") << "end of file";
  EXPECT_TRUE(worker.wait(kLong)->success());
}

TEST(Process, ReportsExitCodes) {
  for (int code : {0, 1, 3, 42, 255}) {
    Process process = start(capture({"/bin/sh", "-c", "exit " + std::to_string(code)}));
    const ExitStatus status = *process.wait(kLong);
    EXPECT_TRUE(status.exited());
    EXPECT_EQ(status.code, code);
    EXPECT_EQ(status.success(), code == 0);
    EXPECT_EQ(status.describe(), "exit code " + std::to_string(code));
  }
}

TEST(Process, SignalsEndTheChildAndAreReported) {
  Process sleeper = start(capture({"/bin/sleep", "30"}));
  EXPECT_TRUE(sleeper.running());
  auto early = sleeper.wait(milliseconds(20));
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().code(), ErrorCode::kTimeout);

  ASSERT_TRUE(sleeper.terminate().ok());
  const ExitStatus status = *sleeper.wait(kLong);
  EXPECT_EQ(status.signal, SIGTERM);
  EXPECT_FALSE(status.success());
  EXPECT_EQ(status.describe(), "killed by signal 15 (SIGTERM)");
  EXPECT_FALSE(sleeper.running());
  EXPECT_TRUE(sleeper.kill().ok()) << "signalling a reaped child is a no-op";
}

TEST(Process, StopKillsAChildThatIgnoresSigterm) {
  // An ignored signal stays ignored across exec, so sleep itself ignores SIGTERM.
  Options options = capture({"/bin/sh", "-c", "trap '' TERM; echo ready; exec sleep 30"});
  Process stubborn = start(options);
  ASSERT_EQ(*stubborn.read_until(Stream::kStdout, "\n", kLong), "ready\n");
  const ExitStatus status = stubborn.stop(milliseconds(100));
  EXPECT_EQ(status.signal, SIGKILL);
  EXPECT_FALSE(stubborn.running());
}

TEST(Process, ChildStartsWithDefaultSignalsEvenWhenTheParentIgnoresThem) {
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction old {};
  sigaction(SIGTERM, &ignore, &old);
  Process sleeper = start(capture({"/bin/sleep", "30"}));
  sigaction(SIGTERM, &old, nullptr);
  ASSERT_TRUE(sleeper.terminate().ok());
  EXPECT_EQ(sleeper.wait(kLong)->signal, SIGTERM);
}

TEST(Process, DestructorKillsAndReapsTheChild) {
  pid_t pid = 0;
  {
    Process sleeper = start(capture({"/bin/sleep", "30"}));
    pid = sleeper.pid();
    ASSERT_TRUE(sleeper.running());
  }
  // Reaped: no longer our child, and no zombie left in the process table.
  EXPECT_EQ(waitpid(pid, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
  EXPECT_TRUE(is_gone_or_zombie(pid));
  EXPECT_FALSE(std::filesystem::exists("/proc/" + std::to_string(pid)));
}

TEST(Process, MovedProcessKeepsOwnership) {
  Process first = start(capture({"/bin/sleep", "30"}));
  const int pid = first.pid();
  Process second = std::move(first);
  EXPECT_EQ(second.pid(), pid);
  EXPECT_TRUE(second.running());
  ASSERT_TRUE(second.kill().ok());
  EXPECT_EQ(second.wait(kLong)->signal, SIGKILL);
}

TEST(Process, NewProcessGroupLetsStopEndTheWholeTree) {
  Options options = capture({"/bin/sh", "-c", "sleep 30 & echo $!; wait"});
  options.new_process_group = true;
  Process shell = start(options);
  const pid_t grandchild = std::stoi(*shell.read_until(Stream::kStdout, "\n", kLong));
  EXPECT_EQ(getpgid(grandchild), shell.pid());
  shell.stop(milliseconds(100));
  // The grandchild was reparented, so someone else reaps it: wait until it is gone.
  for (int i = 0; i < 2000 && !is_gone_or_zombie(grandchild); ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_TRUE(is_gone_or_zombie(grandchild));
}

TEST(Process, DestructorEndsTheWholeGroup) {
  pid_t grandchild = 0;
  {
    Options options = capture({"/bin/sh", "-c", "sleep 30 & echo $!; wait"});
    options.new_process_group = true;
    Process shell = start(options);
    grandchild = std::stoi(*shell.read_until(Stream::kStdout, "\n", kLong));
  }
  for (int i = 0; i < 2000 && !is_gone_or_zombie(grandchild); ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_TRUE(is_gone_or_zombie(grandchild));
}

TEST(Process, StopOnAnExitedChildReturnsHowItEnded) {
  Process done = start(capture({"/bin/sh", "-c", "exit 5"}));
  ASSERT_EQ(done.wait(kLong)->code, 5);
  const ExitStatus status = done.stop(milliseconds(100));
  EXPECT_TRUE(status.exited());
  EXPECT_EQ(status.code, 5);
}

TEST(Process, ChildInheritsOnlyItsStandardStreams) {
  // A descriptor opened without O_CLOEXEC by "some library", and another child's pipes.
  const int leaky = open("/dev/null", O_RDONLY);
  ASSERT_GE(leaky, 0);
  Options other = capture({"/bin/cat"});
  other.std_in = Stdio::pipe();
  Process neighbour = start(other);

  Options options = capture({"/bin/cat"});
  options.std_in = Stdio::pipe();
  Process cat = start(options);
  // cat has started reading stdin once its own write comes back: its descriptors are final.
  ASSERT_TRUE(cat.write_stdin("x").ok());
  ASSERT_EQ(*cat.read_some(Stream::kStdout, kLong), "x");

  std::set<std::string> fds;
  for (const auto& entry :
       std::filesystem::directory_iterator("/proc/" + std::to_string(cat.pid()) + "/fd")) {
    fds.insert(entry.path().filename().string());
  }
  close(leaky);
  EXPECT_EQ(fds, (std::set<std::string>{"0", "1", "2"}));
}

TEST(Process, RedirectsToFilesAndNull) {
  TempDir dir;
  const std::string log = (dir.path() / "out.log").string();
  const std::string input = dir.write("in.txt", "from a file\n");
  {
    Options options;
    options.argv = {"/bin/sh", "-c", "cat; echo err >&2"};
    options.std_in = Stdio::file(input);
    options.std_out = Stdio::file(log);
    options.std_err = Stdio::append_to(log);
    EXPECT_TRUE(start(options).wait(kLong)->success());
  }
  {
    Options options;
    options.argv = {"/bin/echo", "appended"};
    options.std_out = Stdio::append_to(log);
    EXPECT_TRUE(start(options).wait(kLong)->success());
  }
  std::ifstream in(log);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "from a file\nerr\nappended\n");

  Options truncate;
  truncate.argv = {"/bin/echo", "new"};
  truncate.std_out = Stdio::file(log);
  EXPECT_TRUE(start(truncate).wait(kLong)->success());
  std::ifstream again(log);
  std::string replaced((std::istreambuf_iterator<char>(again)), std::istreambuf_iterator<char>());
  EXPECT_EQ(replaced, "new\n");

  Options null_in = capture({"/bin/cat"});
  null_in.std_in = Stdio::null();
  EXPECT_EQ(output_of(null_in), "");
}

TEST(Process, WritingToAChildThatClosedStdinFailsCleanly) {
  Options options = capture({"/bin/true"});
  options.std_in = Stdio::pipe();
  Process done = start(options);
  ASSERT_TRUE(done.wait(kLong)->success());
  // Without SIGPIPE protection this write would end the test process.
  auto written = done.write_stdin(std::string(1 << 20, 'x'), kLong);
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error().code(), ErrorCode::kUnavailable);
  done.close_stdin();
  EXPECT_EQ(done.write_stdin("x").error().code(), ErrorCode::kInvalidArgument);
}

TEST(Process, WriteTimesOutWhenTheChildDoesNotRead) {
  Options options = capture({"/bin/sleep", "30"});
  options.std_in = Stdio::pipe();
  Process sleeper = start(options);
  auto written = sleeper.write_stdin(std::string(4 << 20, 'x'), milliseconds(50));
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error().code(), ErrorCode::kTimeout);
}

TEST(Process, ReadingAStreamThatIsNoPipeIsAnError) {
  Options options;
  options.argv = {"/bin/true"};
  Process process = start(options);
  EXPECT_EQ(process.read_some(Stream::kStdout, kLong).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(process.wait(kLong)->success());
}

TEST(Process, ReadAllTimesOutWhileOutputStaysOpenAndKeepsWhatCame) {
  Process slow = start(capture({"/bin/sh", "-c", "echo partial; exec sleep 30"}));
  auto output = slow.read_all(milliseconds(200));
  ASSERT_FALSE(output.ok());
  EXPECT_EQ(output.error().code(), ErrorCode::kTimeout);
  // Whatever arrived before the timeout is not lost: the next read returns it.
  EXPECT_EQ(*slow.read_until(Stream::kStdout, "\n", kLong), "partial\n");
}

TEST(Process, SpawnsConcurrentlyFromManyThreads) {
  constexpr int kThreads = 8;
  constexpr int kEach = 15;
  std::atomic<int> correct{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &correct] {
      for (int i = 0; i < kEach; ++i) {
        const std::string word = std::to_string(t) + "-" + std::to_string(i);
        Options options;
        options.argv = {"/bin/sh", "-c", "read line; echo \"$line $0\"", word};
        options.std_in = Stdio::pipe();
        options.std_out = Stdio::pipe();
        auto process = Process::spawn(options);
        if (!process.ok()) {
          continue;
        }
        auto output = process->communicate(word + "\n", kLong);
        if (output.ok() && output->out == word + " " + word + "\n" &&
            process->wait(kLong)->success()) {
          ++correct;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(correct.load(), kThreads * kEach);
}

}  // namespace
}  // namespace hvo::process

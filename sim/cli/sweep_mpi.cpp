// chainsim sweep ... --mpi, under mpirun (docs/cluster.md).
//
// Rank 0 plans the sweep (every point is checked first, as locally), writes plan.json into
// the output folder, and hands runs out one at a time to whichever worker rank is free,
// longest estimated run first. A worker runs each as a `chainsim run` child process, as a
// local sweep does, writes the result record (tasks/K.json, so an aborted job can still be
// collected with --collect) and sends it to rank 0, which assembles the outputs exactly as
// `--jobs 1` would.
//
// A worker sends a heartbeat while a run runs. A worker silent for --mpi-timeout seconds is
// counted dead: the run it held is reported (point, seed, the command that reruns it), no
// further run goes to it, the others finish, and sweep.json is marked incomplete. (For the
// job to survive a dead rank at all, OpenMPI's mpirun needs --enable-recovery; without it,
// mpirun ends every rank and `chainsim sweep --collect DIR` assembles what finished.)
//
// Test hook: CHAINSIM_SWEEP_MPI_TEST_DIE=R:N makes rank R kill itself (SIGKILL) when it is
// handed its N-th run, as a rank lost to a node failure would vanish.
//
// Without MPI at build time, --mpi is a bad-input error saying how to get it.
#include <iostream>

#include "sim/cli/cli.h"
#include "sim/cli/sweep.h"

#if CHAINSIM_HAVE_MPI

#include <mpi.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <thread>

namespace cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

// The text of a stop message once a rank was lost: end without MPI_Finalize.
constexpr const char* kAbandon = "abandon";

enum Tag : int {
    kTagTask = 1,    // rank 0 -> worker: a task (JSON)
    kTagStop = 2,    // rank 0 -> worker: no more tasks
    kTagBeat = 3,    // worker -> rank 0: still running its task
    kTagResult = 4,  // worker -> rank 0: a result record (JSON)
};

// MPI_Init on construction, MPI_Finalize on destruction (also when a command throws).
class MpiSession {
  public:
    MpiSession() {
        int argc = 0;
        char** argv = nullptr;
        MPI_Init(&argc, &argv);
        // A failed send to a dead rank must come back as an error, not end this process.
        MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
        MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
        MPI_Comm_size(MPI_COMM_WORLD, &size_);
    }
    // MPI_Finalize waits for every rank, a dead one too (OpenMPI 4.1, even with
    // --enable-recovery): once a rank is lost, the others end without it.
    ~MpiSession() {
        if (!abandoned_) MPI_Finalize();
    }
    void abandon() { abandoned_ = true; }
    MpiSession(const MpiSession&) = delete;
    MpiSession& operator=(const MpiSession&) = delete;
    int rank() const { return rank_; }
    int size() const { return size_; }

  private:
    int rank_ = 0;
    int size_ = 1;
    bool abandoned_ = false;
};

// How long a send may wait for its receiver (--mpi-timeout; set once by sweep_mpi).
double send_patience_seconds = 60;

// Sends without blocking forever: a message past the eager limit waits for the receiver,
// and a dead receiver never comes. False when it could not be delivered in time; the buffer
// of such a send is kept to the end of the process, as MPI may still read it.
bool send(int to, Tag tag, const std::string& text) {
    static std::vector<std::unique_ptr<std::string>> undelivered;
    auto buffer = std::make_unique<std::string>(text);
    MPI_Request request;
    if (MPI_Isend(buffer->data(), static_cast<int>(buffer->size()), MPI_CHAR, to, tag,
                  MPI_COMM_WORLD, &request) != MPI_SUCCESS)
        return false;
    const auto start = Clock::now();
    for (;;) {
        int done = 0;
        if (MPI_Test(&request, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS) break;
        if (done) return true;
        if (Clock::now() - start > std::chrono::duration<double>(send_patience_seconds)) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    undelivered.push_back(std::move(buffer));
    return false;
}

struct Message {
    int from = -1;
    int tag = 0;
    std::string text;
};

// A waiting message from `from` (or any rank), without blocking. OpenMPI's blocking
// receive spins a core; probing with a short sleep between leaves it to the runs.
std::optional<Message> poll(int from = MPI_ANY_SOURCE) {
    int flag = 0;
    MPI_Status status;
    if (MPI_Iprobe(from, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status) != MPI_SUCCESS || !flag)
        return std::nullopt;
    int size = 0;
    MPI_Get_count(&status, MPI_CHAR, &size);
    Message m{status.MPI_SOURCE, status.MPI_TAG, std::string(static_cast<std::size_t>(size), '\0')};
    if (MPI_Recv(m.text.data(), size, MPI_CHAR, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE) != MPI_SUCCESS)
        return std::nullopt;
    return m;
}

// The next message from `from`; nothing once `patience` passed without one (forever
// without a patience).
std::optional<Message> wait_for_message(int from,
                                        std::optional<std::chrono::duration<double>> patience) {
    const auto start = Clock::now();
    for (;;) {
        if (auto m = poll(from)) return m;
        if (patience && Clock::now() - start > *patience) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

std::chrono::duration<double> beat_interval(double timeout) {
    return std::chrono::duration<double>(std::clamp(timeout / 6, 0.2, 5.0));
}

// The N of CHAINSIM_SWEEP_MPI_TEST_DIE=R:N when R is this rank, else 0.
unsigned die_at_task(int rank) {
    const char* hook = std::getenv("CHAINSIM_SWEEP_MPI_TEST_DIE");
    if (hook == nullptr) return 0;
    const std::string h = hook;
    const auto colon = h.find(':');
    if (colon == std::string::npos || h.substr(0, colon) != std::to_string(rank)) return 0;
    return static_cast<unsigned>(std::strtoul(h.c_str() + colon + 1, nullptr, 10));
}

int worker(MpiSession& mpi, double timeout) {
    const int rank = mpi.rank();
    const auto beat_every = beat_interval(timeout);
    const unsigned die_at = die_at_task(rank);
    unsigned received = 0;
    for (;;) {
        // Before its first run a worker waits as long as planning takes; after that rank 0
        // beats every idle worker, so silence means rank 0 is gone or counted this rank as
        // lost: it ends rather than wait forever.
        std::optional<Message> next;
        if (received == 0) {
            next = wait_for_message(0, std::nullopt);
        } else {
            next = wait_for_message(0, std::chrono::duration<double>(timeout));
        }
        if (!next) {
            mpi.abandon();
            return 0;
        }
        const Message& m = *next;
        if (m.tag == kTagBeat) continue;
        if (m.tag != kTagTask) {
            if (m.text == kAbandon) mpi.abandon();
            return 0;
        }
        if (++received == die_at) ::raise(SIGKILL);
        const json j = json::parse(m.text);
        const std::size_t k = j.at("task").get<std::size_t>();
        Task task;
        task.point = j.at("point").get<std::size_t>();
        task.seed = j.at("seed").get<std::uint64_t>();
        task.folder = j.at("folder").get<std::string>();
        task.argv = j.at("argv").get<std::vector<std::string>>();
        auto last_beat = Clock::now();
        run_task(task, [&] {
            if (Clock::now() - last_beat < beat_every) return;
            last_beat = Clock::now();
            send(0, kTagBeat, "");
        });
        const std::string record = task_record(k, task).dump();
        try {
            const fs::path tasks = j.at("tasks_dir").get<std::string>();
            std::error_code ec;
            fs::create_directories(tasks, ec);
            write_file_atomically(tasks / (std::to_string(k) + ".json"), record + "\n");
        } catch (const Exit&) {
            // The record file is a convenience for --collect; rank 0 gets the result anyway.
        }
        if (!send(0, kTagResult, record)) {  // rank 0 is gone
            mpi.abandon();
            return 0;
        }
    }
}

// Rank 0's view of one worker.
struct Worker {
    int rank = 0;
    bool alive = true;
    std::optional<std::size_t> task;  // the task it holds
    Clock::time_point heard;          // the last message from it (or the hand-out)
};

int coordinator(MpiSession& mpi, const SweepArgs& a) {
    const int size = mpi.size();
    std::vector<Worker> workers;
    for (int r = 1; r < size; ++r)
        workers.push_back({r, true, std::nullopt, Clock::now()});
    auto stop_all = [&] {
        const bool lost =
            std::any_of(workers.begin(), workers.end(), [](const Worker& w) { return !w.alive; });
        for (const Worker& w : workers) {
            if (w.alive) send(w.rank, kTagStop, lost ? kAbandon : "");
        }
        if (lost) mpi.abandon();
    };
    SweepPlan plan;
    try {
        plan = plan_sweep_or_fail(a);
        write_file_atomically(plan.out / "plan.json", plan_json(plan).dump(1) + "\n");
    } catch (...) {
        stop_all();
        throw;
    }
    const auto start = Clock::now();
    std::vector<Task>& tasks = plan.tasks;
    if (workers.empty()) {  // one rank: it runs everything itself
        for (Task& t : tasks)
            run_task(t);
        const double wall = std::chrono::duration<double>(Clock::now() - start).count();
        return write_sweep_outputs(plan, tasks, a.no_plots, wall);
    }
    if (!a.quiet) {
        std::cerr << "sweep: " << plan.points.size() << " point(s) x " << plan.seeds.count()
                  << " seed(s) = " << tasks.size() << " runs on " << workers.size()
                  << " worker rank(s), longest first\n";
    }
    const std::vector<std::size_t> order = longest_first(plan);
    const auto timeout = std::chrono::duration<double>(a.mpi_timeout);
    const auto beat_every = beat_interval(a.mpi_timeout);
    std::vector<bool> resolved(tasks.size(), false);
    std::vector<bool> lost(tasks.size(), false);  // resolved by a lost rank, not by a result
    std::size_t next = 0, done = 0;
    auto report_failure = [&](const Task& t, const std::string& what) {
        std::cerr << "chainsim: " << what << " (seed " << t.seed << ", point " << t.point
                  << "): " << t.error << "\n  rerun: " << reports::shell_command(t.argv)
                  << "\n  log:   " << (t.folder / "run.log").string() << "\n";
    };
    auto hand_out = [&](Worker& w) {
        const std::size_t k = order[next];
        const Task& t = tasks[k];
        const json j = {{"task", k},      {"point", t.point},
                        {"seed", t.seed}, {"folder", t.folder.string()},
                        {"argv", t.argv}, {"tasks_dir", (plan.out / "tasks").string()}};
        if (!send(w.rank, kTagTask, j.dump())) {
            w.alive = false;  // it cannot be reached; the task goes to the next worker
            return;
        }
        ++next;
        w.task = k;
        w.heard = Clock::now();
    };
    auto last_progress = Clock::now();
    auto last_beat = Clock::now();
    while (done < tasks.size()) {
        bool any_alive = false;
        const bool beat = Clock::now() - last_beat >= beat_every;
        if (beat) last_beat = Clock::now();
        for (Worker& w : workers) {
            if (w.alive && !w.task && next < order.size()) hand_out(w);
            if (w.alive && !w.task && beat) send(w.rank, kTagBeat, "");
            any_alive = any_alive || w.alive;
        }
        if (!any_alive) {
            for (; next < order.size(); ++next) {
                Task& t = tasks[order[next]];
                t.error = "not run: every worker rank was lost";
                resolved[order[next]] = true;
                lost[order[next]] = true;
                ++done;
            }
            break;
        }
        if (auto m = poll()) {
            auto w = std::find_if(workers.begin(), workers.end(),
                                  [&](const Worker& x) { return x.rank == m->from; });
            if (w == workers.end()) continue;
            w->heard = Clock::now();
            if (!w->alive) {  // counted lost, but only slow: it works on
                w->alive = true;
                std::cerr << "sweep: rank " << w->rank << " answered again\n";
            }
            if (m->tag != kTagResult) continue;
            const json r = json::parse(m->text, nullptr, /*allow_exceptions=*/false);
            const std::size_t k = r.is_object() ? r.value("task", tasks.size()) : tasks.size();
            if (k < tasks.size() && (!resolved[k] || lost[k])) {
                Task& t = tasks[k];
                if (!resolved[k]) ++done;
                if (lost[k]) std::cerr << "sweep: the run lost with it finished after all\n";
                if (!from_record(r, k, t))
                    t.error = "rank " + std::to_string(w->rank) + " sent a malformed result";
                resolved[k] = true;
                lost[k] = false;
                if (!t.error.empty()) report_failure(t, "run failed");
            }
            w->task.reset();
            continue;
        }
        const auto now = Clock::now();
        for (Worker& w : workers) {
            if (!w.alive || !w.task || now - w.heard < timeout) continue;
            w.alive = false;
            Task& t = tasks[*w.task];
            t.error = "lost: rank " + std::to_string(w.rank) + " was silent for " +
                      std::to_string(static_cast<int>(a.mpi_timeout)) +
                      " s while it held this run (it died or hangs)";
            resolved[*w.task] = true;
            lost[*w.task] = true;
            w.task.reset();
            ++done;
            report_failure(t, "run lost");
        }
        if (!a.quiet && now - last_progress > std::chrono::seconds(10)) {
            last_progress = now;
            std::cerr << "sweep: " << done << "/" << tasks.size() << " runs done\n";
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    stop_all();
    const double wall = std::chrono::duration<double>(Clock::now() - start).count();
    const bool incomplete = std::find(lost.begin(), lost.end(), true) != lost.end();
    return write_sweep_outputs(plan, tasks, a.no_plots, wall, incomplete);
}

}  // namespace

int sweep_mpi(const SweepArgs& a) {
    MpiSession mpi;
    send_patience_seconds = a.mpi_timeout;
    if (mpi.rank() != 0) return worker(mpi, a.mpi_timeout);
    return coordinator(mpi, a);
}

}  // namespace cli

#else  // no MPI at build time

namespace cli {

int sweep_mpi(const SweepArgs&) {
    bad_input(
        "sweep --mpi: this chainsim was built without MPI; install OpenMPI (apt-get install "
        "openmpi-bin libopenmpi-dev; scripts/bootstrap does) and rebuild");
}

}  // namespace cli

#endif

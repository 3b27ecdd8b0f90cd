"""Judge from outside the server process whether its event loop blocked.

Why from outside: sealed grading serves the learner's course with uvicorn in a
sandbox, and anything that runs in that process can be rewritten by the
learner's code (blockbuster's patches, a probe's verdict). blockbuster also
misses blocking it does not patch: `select.select`, `os.system`, a busy loop,
`usleep` through ctypes, `signal.sigtimedwait`. The kernel sees them all: the
trusted grader reads, from its own process, what the server's event-loop
thread (uvicorn runs the loop on the main thread: task id = pid) is doing.

How: `LoopWatch(pid)` looks every 2 ms at `/proc/<pid>/task/<pid>/syscall`,
which names the syscall the thread sleeps in, or says `running` when it is on
a CPU or ready to run; each look stands for the time since the previous one
(at most `MOST_PER_SAMPLE`). The thread's CPU time, and its time spent ready
but waiting for a CPU, are read with each look from
`/proc/<pid>/task/<pid>/schedstat` (else CPU time from `stat`). Syscall
numbers are named from a table for x86_64 and aarch64; a number not in it is
reported as `syscall <number>`.

Measured (Linux 6.18, x86_64, 2 cores shared with other workers, Python 3.11,
Django 5.2, uvicorn 0.54 on asyncio; 5 requests at once to exercise 03's or
04's view, 10 runs each, after one warm-up request; "loaded": two CPU hogs,
load average 4.6-6.5; "4 hogs": load average 9.6):

- A healthy loop thread sleeps in `epoll_wait` (asyncio's EpollSelector;
  libuv, under uvloop, uses `epoll_pwait`) and briefly in `futex`: waiting
  for the GIL (an address in the interpreter's own data, in its file; seen
  up to 0.05 s), and waiting in `Thread.start()` for a thread it started to
  run (Django's ASGIHandler gives each request a thread-sensitive context,
  and asgiref starts a thread for it and one to join it: heap memory). It sat
  in no other syscall: 0 s in every healthy run.
- Each blocking kind (0.2 s per request: 1.0 s for 5) shows as its syscall:
  `time.sleep` and `ctypes.CDLL(None).usleep` as `clock_nanosleep`;
  `select.select([], [], [], t)` as `pselect6`; `os.system("sleep 0.2")` as
  `wait4`; `signal.sigtimedwait` as `rt_sigtimedwait`; a sync `httpx.Client`
  call as `poll`; `threading.Event().wait(t)` as `futex` in heap memory
  (below). Seen: idle 0.99-1.04 s, loaded 0.86-1.18 s, 4 hogs 0.77-1.11 s
  (the watcher looks less often on a loaded machine; a late look is capped,
  so it undercounts).
- Heap futexes, told apart by episode (consecutive looks at the thread in
  heap futexes, whatever the address; measured again with the solved
  exercises' scenarios that watch the loop, 03, 04, 06, 11, 13, 15 and 18:
  2 runs idle, 3 with two hogs, 2 with four, load average 1.5-4.9, and this
  project's tests of the watch). Thread.start() waits for its new thread to
  get a CPU, and on a loaded machine that is long: one wait up to 0.17 s
  with two hogs, 0.90 s with four, 0.4 s in all for one watch (exercise 06
  solved: 30 registrations, hashing in worker threads). Meanwhile the new
  thread has never run: its schedstat's third field (times it got a CPU) is
  0. Those looks are not counted (`STARTING`). What is left, once the new
  thread has run, and every other heap-futex wait of a healthy loop: episodes
  of at most 0.010 s (one late look, capped at `MOST_PER_SAMPLE`), 0.017 s
  in all for 30 requests. A loop waiting for work handed to a thread waits as
  long as the work: `threading.Event().wait(0.2)`, and
  `pool.submit(time.sleep, 0.2).result()` with a pool made once or per
  request, 5 requests at once: 0.98-1.01 s counted (idle, two hogs, four), in
  episodes of 0.2-1.0 s (waits of requests served back to back are one
  episode). The red team's views waiting on the loop for a pool: exercise 13
  (a sync query, the database locked for 0.5 s) 0.43 s, 15 0.50 s, 18 0.50 s;
  exercise 06 (the hash, 0.014 s a request, 30 one after another) episodes
  of 0.02-0.05 s, 0.37-0.49 s in all.
- A busy loop shows as `running` and as CPU time. Healthy CPU per request is
  load-independent: 0.002 s for exercise 03 (0.007-0.013 s for 5), 0.03 s for
  exercise 04 (0.135-0.183 s for 5: each `httpx.AsyncClient` builds an SSL
  context). A busy loop bounded by the clock gets only the CPU the machine
  gives it: 0.37-1.02 s idle, 0.15-0.56 s loaded, 0.11-0.24 s with 4 hogs,
  while it waited for a CPU the rest of its 1.0 s. So CPU beyond the healthy
  allowance is converted to the wall time it held the loop, at the CPU share
  the thread got (`busy_seconds`): busy loops 0.74-0.99 s loaded, 0.64-0.86 s
  with 4 hogs; every healthy run 0 (its CPU stays under the allowance).
- The first request to a view imports the course's modules on the loop
  thread: 0.12 s of CPU for exercise 03 (judged a busy loop). Send one
  request before watching.
- Readable by root for a server run as nobody (`setpriv --reuid=65534`) in a
  PID namespace (`unshare --pid --fork --mount-proc`): watch the pid the
  grader's /proc gives it (`/proc/<unshare>/task/<unshare>/children`).

Thresholds (margins from the measurements above): blocked when the thread sat
`BLOCKED_LIMIT` = 0.1 s or more in syscalls a healthy loop does not sit in,
(blocking kinds: 0.77 s or more, 7.7 times the limit; healthy: 0 s outside
futex). Heap futexes count in episodes of `LOCK_EPISODE` = 0.05 s or more
(5 times a healthy loop's longest, 0.010 s; a blocked loop's are as long as
the work it waits for, 0.1 s and more), and shorter episodes only once they
add up to `SHORT_LOCK_LIMIT` = 0.2 s (12 times a healthy loop's most,
0.017 s; exercise 06's pool view: 0.37 s or more). Or blocked when
`busy_seconds` reaches `CPU_LIMIT` = 0.1 s, with an allowance of
`CPU_PER_REQUEST` = 0.01 s per request (5 times exercise 03's) and
`CPU_PER_API_CALL` = 0.15 s per API call (3 times the most a call took
under load: 0.05 s, each building a client; at 0.06 s, a solved exercise 07
on a loaded machine used 0.26 s of its 0.19 s allowance on its first request
and failed): busy loops 0.64 s or more, 6.4 times the limit.

The server's other threads (worker threads: Django's for a sync view,
`sync_to_async`'s, `asyncio.to_thread`'s pool) are looked at too, every look:
time one sits in a wait that holds the thread, a sleep, a sync socket, a child
process, a blocking `read` (a pipe, a socket), an event loop of its own or a
heap futex waited on with a timeout (`THREAD_KINDS`), is counted to it
(`LoopReport.thread_waits`), and `held_threads()` judges it. That is what the
in-process tests' `ThreadWaits` catch (every exercise but 15 fails a wait that
held a worker thread), seen from outside: a plain `def` view doing the work in
its thread shows here, where the loop watch sees a free loop. Measured (same
machine, 5 requests at once to exercise 03's view, a CPU-heavy suite running
beside it): `to_thread` or `sync_to_async` of `time.sleep`, `httpx.get`,
`select.select`, `os.system`, `asyncio.run`, `Event().wait(t)`, 1.00-1.03 s
each (10 times `THREAD_WAIT_LIMIT`); the solved exercises 03 and 04, and the 67
passing cases of `tests/cases/` served by a real server, 0 s. Not counted: a
wait a thread was in at the first look, until it ends (a process pool's manager
thread polls its pipes from the pool's first use on, whatever is requested
later); the GIL; a futex waited on without a timeout, where an idle pool's
thread waits for work, and where a thread held by `async_to_sync` or
`run_coroutine_threadsafe(...).result()` waits for the loop: those two cannot
be told apart.

What this cannot see, and the fallback:
- Reading another process's `syscall` file needs ptrace access to it: root
  with CAP_SYS_PTRACE (Docker drops it by default), or the same user and a
  dumpable process; Yama's `ptrace_scope` 3 forbids it to everyone. Measured:
  another user gets "Permission denied" opening it, root without
  CAP_SYS_PTRACE "Operation not permitted" reading it. Then
  `LoopReport.unreadable` says why, `blocked` stays empty, and `blocking()`
  judges CPU time only (schedstat is readable by anyone): the caller must
  judge waits by time, as the truth check does (five requests at once taking
  five times one).
- A loop waiting for the GIL, held by a worker thread in a long C call, looks
  like a healthy GIL wait. A wait shorter than a look's interval may be
  missed, so `blocked` is an estimate, fine for 0.1 s, not for 1 ms. A loop
  waiting in an epoll of its own (`select.epoll().poll(t)`) looks like a loop
  waiting for work: 1.0 s of it for 5 requests was judged idle.
- A loop blocked a little at a time in heap futexes: pieces shorter than
  `LOCK_EPISODE`, each followed by a look at an idle loop (`await
  asyncio.sleep(0.003)` between them), less than `SHORT_LOCK_LIMIT` in all.
  Measured, one request at a time waiting in pieces (`Event().wait`,
  `pool.submit(...).result()`): 0.2 s in pieces of 0.067 s or 0.05 s judged
  blocked by episode, in pieces of 0.04 s or 0.02 s by their total (0.20 s);
  0.15 s in pieces of 0.04 s or 0.02 s not judged blocked. With 5 requests
  at once the pieces of different requests follow one another as one
  episode: pieces of 5 ms still judged blocked. A gap of 1 ms between
  pieces is often not seen at all.
- A heap-futex wait that begins while a thread has not yet run is not
  counted until that thread runs: on a loaded machine, a view that starts a
  thread (`_thread.start_new_thread`) just before each wait has that much
  excused (measured, quiet machine, 5 requests at once, a thread started
  before each of 40 pieces: 0.2 s of 1.0 s excused). Where schedstat cannot
  be read, Thread.start()'s waits cannot be told apart, and heap futexes are
  not judged (`UNJUDGED`).
- An unknown machine (no syscall table): syscalls are not read at all.
"""

from __future__ import annotations

import contextlib
import os
import platform
import re
import threading
import time
from dataclasses import dataclass, field
from types import TracebackType

INTERVAL = 0.002  # seconds between two looks at the loop thread
MOST_PER_SAMPLE = 0.01  # seconds one look stands for at most (when the watcher itself was late)
BLOCKED_LIMIT = 0.1  # seconds in syscalls a healthy loop does not sit in: blocked from here
CPU_PER_REQUEST = 0.01  # seconds of loop-thread CPU a request may use (measured: 0.002)
CPU_PER_API_CALL = 0.15  # more per API call: building an httpx.AsyncClient, 0.03-0.05 s
CPU_LIMIT = 0.1  # seconds the CPU used beyond the allowance kept the loop busy: blocked from here
SHOWN = 0.01  # seconds: a shorter wait is not named in the verdict

LOCK_EPISODE = 0.05  # seconds in heap futexes at a stretch: counted from here (healthy: 0.010)
SHORT_LOCK_LIMIT = 0.2  # seconds in shorter such stretches: counted from here (healthy: 0.017)
# ...or from 0.01 s a request, if more: a solved exercise 06 (30 requests, a thread started for
# each) sat 0.20 s in such stretches once in 10 grades under two CPU hogs; its pool view, 0.37 s
SHORT_LOCK_PER_REQUEST = 0.01

OUTSIDE = "outside a syscall"  # asleep but in no syscall: a page fault, or stopped
GIL = "futex (GIL)"  # a futex in the interpreter's own data: waiting for the GIL
INTERPRETER = re.compile(r"(lib)?python3")  # the files the interpreter's own data comes from
LOCK = "futex"  # futexes in heap memory, in episodes of LOCK_EPISODE or more: a lock, an Event
SHORT_LOCK = "futex (short waits)"  # in shorter episodes: Thread.start(), a lock held briefly
STARTING = "futex (starting a thread)"  # Thread.start() while its thread waits for a first CPU
UNJUDGED = "futex (not judged)"  # heap futexes when schedstat cannot tell STARTING apart
# A loop waiting for work, or briefly for the GIL or a thread it started (Thread.start()).
IDLE = frozenset({"epoll_wait", "epoll_pwait", "epoll_pwait2", GIL, SHORT_LOCK, STARTING, UNJUDGED})
KINDS = {  # what sitting in a syscall means on an event loop, in a learner's words
    "clock_nanosleep": "a sleep: time.sleep, or usleep through ctypes",
    "nanosleep": "a sleep: time.sleep, or usleep through ctypes",
    "select": "select.select, or a sync socket waiting",
    "pselect6": "select.select, or a sync socket waiting",
    "poll": "a sync socket waiting for an answer: a sync HTTP client",
    "ppoll": "a sync socket waiting for an answer: a sync HTTP client",
    "recvfrom": "a sync socket waiting for data",
    "recvmsg": "a sync socket waiting for data",
    "read": "a blocking read: a file, a pipe or a sync socket",
    "connect": "a sync socket connecting",
    "accept": "a sync socket waiting for a connection",
    "accept4": "a sync socket waiting for a connection",
    "wait4": "waiting for a child process: os.system or subprocess",
    "waitid": "waiting for a child process: os.system or subprocess",
    "clone": "starting a process: os.system or subprocess",
    "clone3": "starting a process: os.system or subprocess",
    "vfork": "starting a process: os.system or subprocess",
    "rt_sigtimedwait": "waiting for a signal: signal.sigtimedwait",
    "rt_sigsuspend": "waiting for a signal: signal.pause",
    "pause": "waiting for a signal: signal.pause",
    LOCK: (
        "waiting for a lock, an Event, a queue or a Future's result: work handed to a thread"
        " and waited for on the loop"
    ),
    SHORT_LOCK: (
        "waiting for a lock, an Event, a queue or a Future's result, many times briefly: work"
        " handed to a thread and waited for on the loop"
    ),
    OUTSIDE: "stopped, or waiting for memory or a disk",
}
# What a worker thread (any thread of the server but the loop's) sitting in a syscall means: a
# wait that holds the thread, as a sync view's, `sync_to_async`'s or `asyncio.to_thread`'s does.
# `read` too: a pipe, a socket, a timerfd (red team, issue 14: waits moved there from `poll`
# and `wait4`); a file is read in far less than THREAD_WAIT_LIMIT. Not a futex waited on
# without a timeout: an idle pool's thread waits for work in one (`queue.get()`), as
# `async_to_sync` does for the loop; nor the GIL's.
HELD = (
    "clock_nanosleep", "nanosleep", "select", "pselect6", "poll", "ppoll", "recvfrom", "recvmsg",
    "connect", "wait4", "waitid", "rt_sigtimedwait", "rt_sigsuspend", "pause", "read",
)  # fmt: skip
OWN_LOOP = (
    "an event loop of its own, in the thread: `asyncio.run`, or `async_to_sync` without the"
    " server's loop"
)
TIMED_LOCK = "futex (with a timeout)"  # a heap futex waited on with a timeout
THREAD_KINDS = (
    {name: KINDS[name] for name in HELD}
    | dict.fromkeys(("epoll_wait", "epoll_pwait", "epoll_pwait2"), OWN_LOOP)
    | {TIMED_LOCK: "a wait with a timeout: `Event().wait(t)`, a lock, a queue or a Future's result"}
)
THREAD_WAIT_LIMIT = 0.1  # seconds worker threads sat in THREAD_KINDS: held from here (healthy: 0)

# Linux syscall numbers, from the kernel's unistd headers (to 6.17): each block
# names syscall `first`, then `first + 1`, ... ("-": no syscall by that number).
TABLES: dict[str, dict[int, str]] = {
    "x86_64": {
        0: """
            read write open close stat fstat lstat poll lseek mmap mprotect munmap brk
            rt_sigaction rt_sigprocmask rt_sigreturn ioctl pread64 pwrite64 readv writev access
            pipe select sched_yield mremap msync mincore madvise shmget shmat shmctl dup dup2
            pause nanosleep getitimer alarm setitimer getpid sendfile socket connect accept
            sendto recvfrom sendmsg recvmsg shutdown bind listen getsockname getpeername
            socketpair setsockopt getsockopt clone fork vfork execve exit wait4 kill uname
            semget semop semctl shmdt msgget msgsnd msgrcv msgctl fcntl flock fsync fdatasync
            truncate ftruncate getdents getcwd chdir fchdir rename mkdir rmdir creat link unlink
            symlink readlink chmod fchmod chown fchown lchown umask gettimeofday getrlimit
            getrusage sysinfo times ptrace getuid syslog getgid setuid setgid geteuid getegid
            setpgid getppid getpgrp setsid setreuid setregid getgroups setgroups setresuid
            getresuid setresgid getresgid getpgid setfsuid setfsgid getsid capget capset
            rt_sigpending rt_sigtimedwait rt_sigqueueinfo rt_sigsuspend sigaltstack utime mknod
            uselib personality ustat statfs fstatfs sysfs getpriority setpriority sched_setparam
            sched_getparam sched_setscheduler sched_getscheduler sched_get_priority_max
            sched_get_priority_min sched_rr_get_interval mlock munlock mlockall munlockall
            vhangup modify_ldt pivot_root _sysctl prctl arch_prctl adjtimex setrlimit chroot
            sync acct settimeofday mount umount2 swapon swapoff reboot sethostname setdomainname
            iopl ioperm create_module init_module delete_module get_kernel_syms query_module
            quotactl nfsservctl getpmsg putpmsg afs_syscall tuxcall security gettid readahead
            setxattr lsetxattr fsetxattr getxattr lgetxattr fgetxattr listxattr llistxattr
            flistxattr removexattr lremovexattr fremovexattr tkill time futex sched_setaffinity
            sched_getaffinity set_thread_area io_setup io_destroy io_getevents io_submit
            io_cancel get_thread_area lookup_dcookie epoll_create epoll_ctl_old epoll_wait_old
            remap_file_pages getdents64 set_tid_address restart_syscall semtimedop fadvise64
            timer_create timer_settime timer_gettime timer_getoverrun timer_delete clock_settime
            clock_gettime clock_getres clock_nanosleep exit_group epoll_wait epoll_ctl tgkill
            utimes vserver mbind set_mempolicy get_mempolicy mq_open mq_unlink mq_timedsend
            mq_timedreceive mq_notify mq_getsetattr kexec_load waitid add_key request_key keyctl
            ioprio_set ioprio_get inotify_init inotify_add_watch inotify_rm_watch migrate_pages
            openat mkdirat mknodat fchownat futimesat newfstatat unlinkat renameat linkat
            symlinkat readlinkat fchmodat faccessat pselect6 ppoll unshare set_robust_list
            get_robust_list splice tee sync_file_range vmsplice move_pages utimensat epoll_pwait
            signalfd timerfd_create eventfd fallocate timerfd_settime timerfd_gettime accept4
            signalfd4 eventfd2 epoll_create1 dup3 pipe2 inotify_init1 preadv pwritev
            rt_tgsigqueueinfo perf_event_open recvmmsg fanotify_init fanotify_mark prlimit64
            name_to_handle_at open_by_handle_at clock_adjtime syncfs sendmmsg setns getcpu
            process_vm_readv process_vm_writev kcmp finit_module sched_setattr sched_getattr
            renameat2 seccomp getrandom memfd_create kexec_file_load bpf execveat userfaultfd
            membarrier mlock2 copy_file_range preadv2 pwritev2 pkey_mprotect pkey_alloc
            pkey_free statx io_pgetevents rseq
        """,
        424: """
            pidfd_send_signal io_uring_setup io_uring_enter io_uring_register open_tree
            move_mount fsopen fsconfig fsmount fspick pidfd_open clone3 close_range openat2
            pidfd_getfd faccessat2 process_madvise epoll_pwait2 mount_setattr quotactl_fd
            landlock_create_ruleset landlock_add_rule landlock_restrict_self memfd_secret
            process_mrelease futex_waitv set_mempolicy_home_node cachestat fchmodat2
            map_shadow_stack futex_wake futex_wait futex_requeue statmount listmount
            lsm_get_self_attr lsm_set_self_attr lsm_list_modules mseal setxattrat getxattrat
            listxattrat removexattrat open_tree_attr file_getattr file_setattr
        """,
    },
    "aarch64": {
        0: """
            io_setup io_destroy io_submit io_cancel io_getevents setxattr lsetxattr fsetxattr
            getxattr lgetxattr fgetxattr listxattr llistxattr flistxattr removexattr
            lremovexattr fremovexattr getcwd lookup_dcookie eventfd2 epoll_create1 epoll_ctl
            epoll_pwait dup dup3 fcntl inotify_init1 inotify_add_watch inotify_rm_watch ioctl
            ioprio_set ioprio_get flock mknodat mkdirat unlinkat symlinkat linkat renameat
            umount2 mount pivot_root nfsservctl statfs fstatfs truncate ftruncate fallocate
            faccessat chdir fchdir chroot fchmod fchmodat fchownat fchown openat close vhangup
            pipe2 quotactl getdents64 lseek read write readv writev pread64 pwrite64 preadv
            pwritev sendfile pselect6 ppoll signalfd4 vmsplice splice tee readlinkat newfstatat
            fstat sync fsync fdatasync sync_file_range2 timerfd_create timerfd_settime
            timerfd_gettime utimensat acct capget capset personality exit exit_group waitid
            set_tid_address unshare futex set_robust_list get_robust_list nanosleep getitimer
            setitimer kexec_load init_module delete_module timer_create timer_gettime
            timer_getoverrun timer_settime timer_delete clock_settime clock_gettime clock_getres
            clock_nanosleep syslog ptrace sched_setparam sched_setscheduler sched_getscheduler
            sched_getparam sched_setaffinity sched_getaffinity sched_yield
            sched_get_priority_max sched_get_priority_min sched_rr_get_interval restart_syscall
            kill tkill tgkill sigaltstack rt_sigsuspend rt_sigaction rt_sigprocmask
            rt_sigpending rt_sigtimedwait rt_sigqueueinfo rt_sigreturn setpriority getpriority
            reboot setregid setgid setreuid setuid setresuid getresuid setresgid getresgid
            setfsuid setfsgid times setpgid getpgid getsid setsid getgroups setgroups uname
            sethostname setdomainname getrlimit setrlimit getrusage umask prctl getcpu
            gettimeofday settimeofday adjtimex getpid getppid getuid geteuid getgid getegid
            gettid sysinfo mq_open mq_unlink mq_timedsend mq_timedreceive mq_notify
            mq_getsetattr msgget msgctl msgrcv msgsnd semget semctl semtimedop semop shmget
            shmctl shmat shmdt socket socketpair bind listen accept connect getsockname
            getpeername sendto recvfrom setsockopt getsockopt shutdown sendmsg recvmsg readahead
            brk munmap mremap add_key request_key keyctl clone execve mmap fadvise64 swapon
            swapoff mprotect msync mlock munlock mlockall munlockall mincore madvise
            remap_file_pages mbind get_mempolicy set_mempolicy migrate_pages move_pages
            rt_tgsigqueueinfo perf_event_open accept4 recvmmsg
        """,
        260: """
            wait4 prlimit64 fanotify_init fanotify_mark name_to_handle_at open_by_handle_at
            clock_adjtime syncfs setns sendmmsg process_vm_readv process_vm_writev kcmp
            finit_module sched_setattr sched_getattr renameat2 seccomp getrandom memfd_create
            bpf execveat userfaultfd membarrier mlock2 copy_file_range preadv2 pwritev2
            pkey_mprotect pkey_alloc pkey_free statx io_pgetevents rseq kexec_file_load
        """,
        424: """
            pidfd_send_signal io_uring_setup io_uring_enter io_uring_register open_tree
            move_mount fsopen fsconfig fsmount fspick pidfd_open clone3 close_range openat2
            pidfd_getfd faccessat2 process_madvise epoll_pwait2 mount_setattr quotactl_fd
            landlock_create_ruleset landlock_add_rule landlock_restrict_self memfd_secret
            process_mrelease futex_waitv set_mempolicy_home_node cachestat fchmodat2 -
            futex_wake futex_wait futex_requeue statmount listmount lsm_get_self_attr
            lsm_set_self_attr lsm_list_modules mseal setxattrat getxattrat listxattrat
            removexattrat open_tree_attr file_getattr file_setattr
        """,
    },
}


def syscall_names(machine: str) -> dict[int, str]:
    """Syscall number -> name on `machine` (as `platform.machine()` says); empty if unknown."""
    names: dict[int, str] = {}
    for first, block in TABLES.get({"arm64": "aarch64"}.get(machine, machine), {}).items():
        for number, name in enumerate(block.split(), start=first):
            if name != "-":
                names[number] = name
    return names


@dataclass
class LoopReport:
    """What the kernel showed of the server's event-loop thread while it was watched."""

    samples: int  # looks at the thread's current syscall
    cpu_seconds: float  # CPU time the thread used
    wall_seconds: float  # how long it was watched
    blocked: dict[str, float]  # syscall name -> estimated seconds the thread sat in it
    cpu_wait_seconds: float = 0.0  # time it was ready to run but waited for a CPU (machine load)
    unreadable: str | None = None  # why its syscalls could not be seen (then CPU time only)
    longest_lock: float = 0.0  # seconds of its longest episode of waits in heap futexes
    # syscall name -> estimated seconds the server's other threads sat in it (THREAD_KINDS)
    thread_waits: dict[str, float] = field(default_factory=dict)

    def waits(self, requests: int = 1) -> dict[str, float]:
        """The syscalls a healthy loop thread does not sit in: seconds in each, longest first.

        Short waits in heap futexes count once they add up to SHORT_LOCK_LIMIT, or to
        SHORT_LOCK_PER_REQUEST for each of `requests` if that is more.
        """
        short = max(SHORT_LOCK_LIMIT, SHORT_LOCK_PER_REQUEST * requests)
        found = {
            name: seconds
            for name, seconds in self.blocked.items()
            if name not in IDLE or (name == SHORT_LOCK and seconds >= short)
        }
        return dict(sorted(found.items(), key=lambda item: -item[1]))

    def blocked_for_good(self, requests: int) -> bool:
        """Whether `blocking()` says the loop blocked whatever it does from now on: its waits
        in named syscalls (a futex's kind may still change) already reach BLOCKED_LIMIT, and
        they only grow. A check that waits for something a blocked loop cannot do (calls
        meeting) need not wait any longer."""
        final = [s for name, s in self.waits(requests).items() if not name.startswith(LOCK)]
        return sum(final) >= BLOCKED_LIMIT

    def allowance(self, requests: int, api_calls: int = 0) -> float:
        """The CPU time a healthy loop thread may use for `requests` making `api_calls`."""
        return requests * CPU_PER_REQUEST + api_calls * CPU_PER_API_CALL

    def busy_seconds(self, requests: int, api_calls: int = 0) -> float:
        """How long the CPU the thread used beyond its allowance kept the loop from other work.

        The CPU time beyond `allowance()` is converted to wall time at the
        share of a CPU the thread got (`cpu / (cpu + cpu_wait)`): a busy loop
        of 0.2 s holds the loop 0.2 s however loaded the machine, though it
        then gets less CPU time.
        """
        extra = self.cpu_seconds - self.allowance(requests, api_calls)
        if extra <= 0:
            return 0.0
        return extra * (self.cpu_seconds + self.cpu_wait_seconds) / self.cpu_seconds

    def blocking(self, requests: int, api_calls: int = 0) -> str | None:
        """A sentence saying how the loop blocked while it served `requests`, or None if it did not.

        `api_calls`: the calls the API answered meanwhile (as the grader's fake
        API counts them). Blocked: the thread sat `BLOCKED_LIMIT` seconds or
        more in syscalls a healthy loop does not sit in, or its CPU beyond the allowance kept the
        loop busy `CPU_LIMIT` seconds or more.
        """
        waits = self.waits(requests)
        busy = self.busy_seconds(requests, api_calls)
        if sum(waits.values()) < BLOCKED_LIMIT and busy < CPU_LIMIT:
            return None
        named = {name: seconds for name, seconds in waits.items() if seconds >= SHOWN}
        if not named and busy < CPU_LIMIT:  # many short waits
            named = waits
        parts = [
            f"{seconds:.2f} s in {name} ({KINDS.get(name, 'a blocking call')})"
            for name, seconds in named.items()
        ]
        if busy >= CPU_LIMIT:
            parts.append(
                f"about {busy:.2f} s running code (a busy loop or a long computation: it used"
                f" {self.cpu_seconds:.2f} s of CPU where {_requests(requests)} need at most"
                f" {self.allowance(requests, api_calls):.2f} s)"
            )
        spent = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" and {parts[-1]}"
        return (
            f"the server's event loop thread spent {spent} while it served {_requests(requests)}"
            f" in {self.wall_seconds:.2f} s; no other request could move meanwhile"
        )

    def held_threads(self, requests: int) -> str | None:
        """A sentence saying how the server's worker threads waited while it served `requests`
        (sleeps, sync sockets, event loops of their own), or None if they did not.

        Held: they sat `THREAD_WAIT_LIMIT` seconds or more in THREAD_KINDS, all threads
        together. A thread blocked waiting for the loop (`async_to_sync` from a sync view)
        waits in a futex, as an idle pool's thread does: it is not seen.
        """
        if sum(self.thread_waits.values()) < THREAD_WAIT_LIMIT:
            return None
        waits = sorted(self.thread_waits.items(), key=lambda item: -item[1])
        spent = ", ".join(
            f"{seconds:.2f} s in {name} ({THREAD_KINDS[name]})"
            for name, seconds in waits
            if seconds >= SHOWN
        )
        return (
            f"the server's worker threads spent {spent} while it served {_requests(requests)}"
            f" in {self.wall_seconds:.2f} s: each waiting request held a whole thread (a plain"
            " `def` view, `sync_to_async`, `asyncio.to_thread`), where an `await` on the event"
            " loop holds none"
        )


def _requests(count: int) -> str:
    return f"{count} request" if count == 1 else f"{count} requests"


def _count_episode(seconds: dict[str, float], waited: float) -> None:
    """Count an episode in heap futexes, `waited` seconds, to LOCK or SHORT_LOCK by its length."""
    if waited > 0:
        name = LOCK if waited >= LOCK_EPISODE else SHORT_LOCK
        seconds[name] = seconds.get(name, 0.0) + waited


class LoopWatch:
    """Watch the event-loop thread (the main thread) of process `pid`, from outside it.

    A context manager: inside the `with` block, a thread of this process looks
    every `interval` seconds at `/proc/<pid>/task/<pid>/syscall` and at the
    thread's CPU time; `report()` says what was seen (all of it once the block
    has ended). `pid` is the process as this process's `/proc` names it: the
    host's pid when the server runs in a PID namespace. When the process ends
    meanwhile, the report covers its life until then.
    """

    def __init__(self, pid: int, interval: float = INTERVAL) -> None:
        self.pid = pid
        self.interval = interval
        self.task = f"/proc/{pid}/task/{pid}"
        self.names = syscall_names(platform.machine())
        self.seconds: dict[str, float] = {}
        self.samples = 0
        self.unreadable: str | None = None
        self.longest_lock = 0.0  # seconds of the longest episode of waits in heap futexes
        self._futexes: dict[int, bool] = {}  # futex address -> in the interpreter's data
        self._schedstat = os.path.exists(f"{self.task}/schedstat")  # can tell STARTING apart
        self._episode = 0.0  # seconds counted of the episode in heap futexes going on
        # The heap futex waited on (None: no episode going on), and the thread not yet run when
        # that wait began (Thread.start() waits for it), while it still has not run.
        self._wait: tuple[int, str | None] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._descriptor: int | None = None
        self._started = self._ended = 0.0
        self._cpu_start = self._cpu_last = (0.0, 0.0)
        self.thread_seconds: dict[str, float] = {}  # the other threads' waits (THREAD_KINDS)
        self._threads: dict[str, int] = {}  # thread id -> its syscall file, open
        self._before: dict[str, bytes] = {}  # thread id -> the wait it was in when watched first

    def __enter__(self) -> LoopWatch:
        self._cpu_start = self._cpu_last = self._cpu()
        self._started = time.perf_counter()
        self._descriptor = self._open()
        self._thread = threading.Thread(target=self._watch, name="loopwatch", daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        for descriptor in [self._descriptor, *self._threads.values()]:
            if descriptor is not None:
                os.close(descriptor)
        self._descriptor, self._threads = None, {}
        self._ended = time.perf_counter()
        self._cpu_last = self._cpu(self._cpu_last)

    def report(self) -> LoopReport:
        """What was seen: all of it once the `with` block has ended, so far before."""
        ended = self._ended or time.perf_counter()
        cpu_end = self._cpu_last
        seconds, episode = dict(self.seconds), self._episode
        if self._wait is not None:  # an episode going on
            _count_episode(seconds, episode)
        return LoopReport(
            samples=self.samples,
            cpu_seconds=max(0.0, cpu_end[0] - self._cpu_start[0]),
            wall_seconds=ended - self._started,
            blocked=seconds,
            cpu_wait_seconds=max(0.0, cpu_end[1] - self._cpu_start[1]),
            unreadable=self.unreadable,
            longest_lock=max(self.longest_lock, episode),
            thread_waits=dict(self.thread_seconds),
        )

    def _open(self) -> int | None:
        """The syscall file, opened and read once; None (and why, in `unreadable`) if it fails."""
        if not self.names:
            self.unreadable = f"no syscall table for this machine ({platform.machine()})"
            return None
        path = f"{self.task}/syscall"
        try:
            descriptor = os.open(path, os.O_RDONLY)
        except OSError as error:
            self.unreadable = f"cannot open {path}: {error.strerror}"
            return None
        try:
            os.pread(descriptor, 256, 0)  # the permission check is made here
        except OSError as error:
            os.close(descriptor)
            self.unreadable = f"cannot read {path}: {error.strerror}"
            return None
        return descriptor

    def _watch(self) -> None:
        previous = time.perf_counter()
        while not self._stop.is_set():
            if self._descriptor is not None:
                try:
                    line = os.pread(self._descriptor, 256, 0)
                except OSError:  # the process has ended
                    return
                now = time.perf_counter()
                weight = min(now - previous, MOST_PER_SAMPLE)
                self._count(line.split(), weight)
                self._look_at_threads(weight)
                self.samples += 1
                previous = now
            self._cpu_last = self._cpu(self._cpu_last)
            self._stop.wait(self.interval)

    def _count(self, fields: list[bytes], weight: float) -> None:
        """Count `weight` seconds to what a line of the syscall file shows.

        Consecutive looks at the thread in heap futexes (one wait, or several
        back to back) are one episode, counted when it ends: to LOCK if it
        lasted LOCK_EPISODE or longer, else to SHORT_LOCK. A look at a wait that
        began while a thread of the process had not yet run, and that thread
        still has not, counts to STARTING: Thread.start() waits for that thread.
        Without schedstat, heap futexes count to UNJUDGED.
        """
        state = self._state(fields)
        if state == LOCK and not self._schedstat:
            state = UNJUDGED
        if state != LOCK:
            self._end_episode()
            if state is not None:
                self.seconds[state] = self.seconds.get(state, 0.0) + weight
            return
        address = int(fields[1], 16) if len(fields) > 1 else 0
        if self._wait is None or self._wait[0] != address:  # a new wait
            self._wait = (address, self._thread_not_yet_run())
        starting = self._wait[1]
        if starting is not None and self._not_yet_run(starting):
            self.seconds[STARTING] = self.seconds.get(STARTING, 0.0) + weight
        else:  # that thread has run (or there was none): the rest of the wait counts
            self._wait = (address, None)
            self._episode += weight

    def _look_at_threads(self, weight: float) -> None:
        """Count `weight` seconds to the THREAD_KINDS syscall each other thread sits in.

        A wait a thread was in at the first look is not counted until it ends: it began
        before the watched requests came (a process pool's manager thread polls its pipes
        from the pool's first use on).
        """
        try:
            tasks = os.listdir(f"/proc/{self.pid}/task")
        except OSError:
            return
        for task in tasks:
            if task == str(self.pid):
                continue
            try:
                if task not in self._threads:
                    self._threads[task] = os.open(f"/proc/{self.pid}/task/{task}/syscall", 0)
                line = os.pread(self._threads[task], 256, 0)
            except OSError:  # the thread has ended
                if task in self._threads:
                    os.close(self._threads.pop(task))
                continue
            name = self._thread_state(line.split())
            if name not in THREAD_KINDS:
                self._before.pop(task, None)
            elif self.samples == 0:
                self._before[task] = line
            elif self._before.get(task) != line:
                self._before.pop(task, None)
                self.thread_seconds[name] = self.thread_seconds.get(name, 0.0) + weight

    def _thread_state(self, fields: list[bytes]) -> str | None:
        """What `_state` says of a line of a worker thread's syscall file, a heap futex waited
        on with a timeout (the fourth argument) as TIMED_LOCK."""
        state = self._state(fields)
        timed = state == "futex" and len(fields) > 4 and int(fields[4], 16) != 0
        return TIMED_LOCK if timed else state

    def _end_episode(self) -> None:
        if self._wait is not None:
            _count_episode(self.seconds, self._episode)
            self.longest_lock = max(self.longest_lock, self._episode)
        self._wait, self._episode = None, 0.0

    def _thread_not_yet_run(self) -> str | None:
        """A thread of the process that was started but has not yet had a CPU (its id), or None."""
        try:
            tasks = os.listdir(f"/proc/{self.pid}/task")
        except OSError:
            return None
        return next((task for task in tasks if self._not_yet_run(task)), None)

    def _not_yet_run(self, task: str) -> bool:
        """Whether thread `task` of the process has not yet had a CPU.

        Its schedstat counts the times it was given a CPU (third field): 0
        until it first runs. False if it has ended.
        """
        path = f"/proc/{self.pid}/task/{task}/schedstat"
        with contextlib.suppress(OSError, ValueError, IndexError), open(path, "rb") as schedstat:
            return int(schedstat.read().split()[2]) == 0
        return False

    def _state(self, fields: list[bytes]) -> str | None:
        """The syscall a line of the syscall file shows the thread asleep in; None if running."""
        if not fields or not fields[0].lstrip(b"-").isdigit():
            return None  # "running": on a CPU, or ready to run
        number = int(fields[0])
        if number < 0:
            return OUTSIDE
        name = self.names.get(number, f"syscall {number}")
        if name == "futex" and len(fields) > 1 and self._in_static_data(int(fields[1], 16)):
            return GIL
        return name

    def _in_static_data(self, address: int) -> bool:
        """Whether `address` lies in the interpreter's own file (`python3.x`, `libpython3.x`):
        its data, the GIL's home.

        A lock, an Event, a queue or a Future's result lives in memory the
        interpreter allocated, which is not file-backed; a `multiprocessing`
        semaphore lives in a file of /dev/shm, which is not the interpreter's
        (red team, issue 14: a loop blocked 1 s on one was taken for a GIL wait).
        """
        if address not in self._futexes:
            self._futexes[address] = any(low <= address < high for low, high in self._mappings())
        return self._futexes[address]

    def _mappings(self) -> list[tuple[int, int]]:
        """The address ranges of the interpreter's file in the process (none if its maps cannot
        be read)."""
        found: list[tuple[int, int]] = []
        with contextlib.suppress(OSError), open(f"/proc/{self.pid}/maps") as maps:
            for line in maps:
                fields = line.split(maxsplit=5)
                if len(fields) == 6 and INTERPRETER.match(os.path.basename(fields[5])):
                    low, high = fields[0].split("-")
                    found.append((int(low, 16), int(high, 16)))
        return found

    def _cpu(self, default: tuple[float, float] = (0.0, 0.0)) -> tuple[float, float]:
        """(CPU time, time waiting for a CPU) of the thread so far, in seconds.

        From schedstat (nanoseconds, readable by anyone); else CPU time from
        stat (clock ticks), waiting unknown (0); else `default`.
        """
        try:
            with open(f"{self.task}/schedstat") as schedstat:
                ran, waited = schedstat.read().split()[:2]
            return int(ran) / 1e9, int(waited) / 1e9
        except (OSError, ValueError):
            pass
        try:
            with open(f"{self.task}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), 0.0
        except (OSError, ValueError, IndexError):
            return default

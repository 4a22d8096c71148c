// The few Linux calls Swift's Glibc module leaves out (they need _GNU_SOURCE or <sys/prctl.h>).
#ifndef SSML_CPOSIX_SHIM_H
#define SSML_CPOSIX_SHIM_H

#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>
#include <sys/syscall.h>

/// `O_TMPFILE`: an unnamed file in a folder (glibc defines it only under _GNU_SOURCE; `__O_TMPFILE` always).
static inline int ssml_o_tmpfile(void) {
#ifdef __O_TMPFILE
    return __O_TMPFILE | O_DIRECTORY;
#else
    return -1;
#endif
}

extern int prctl(int option, ...);
extern int pipe2(int pipefd[2], int flags);
extern int syncfs(int fd);

/// `prctl(PR_SET_PDEATHSIG, signal)`: the kernel sends `signal` when the thread that made this process ends.
static inline int ssml_set_parent_death_signal(int signal) { return prctl(1 /* PR_SET_PDEATHSIG */, (unsigned long)signal, 0UL, 0UL, 0UL); }

/// The calling thread's id (`gettid`, which older glibc headers do not declare).
static inline int ssml_gettid(void) { return (int)syscall(SYS_gettid); }

/// `syncfs(fd)`: flushes the file system `fd` is on.
static inline int ssml_syncfs(int fd) { return syncfs(fd); }

/// `memfd_create(name, MFD_CLOEXEC)`: an anonymous file in memory (declared only under _GNU_SOURCE).
static inline int ssml_memfd(const char *name) { return (int)syscall(SYS_memfd_create, name, 1U /* MFD_CLOEXEC */); }

/// `mallopt` with glibc's `M_TRIM_THRESHOLD` and `M_MMAP_THRESHOLD`: keep freed memory for reuse, and serve
/// allocations below `mmap` bytes from the heap. Returns 0 when glibc refuses a value.
static inline int ssml_malloc_keep(int trim, int mmap) { return mallopt(M_TRIM_THRESHOLD, trim) && mallopt(M_MMAP_THRESHOLD, mmap); }

/// `fcntl(fd, F_SETPIPE_SZ, bytes)` (defined only under _GNU_SOURCE): the pipe's buffer; returns the size set or -1.
static inline int ssml_set_pipe_size(int fd, int bytes) { return fcntl(fd, 1031 /* F_SETPIPE_SZ */, bytes); }

/// `posix_spawn_file_actions_addclosefrom_np(actions, from)` (glibc 2.34 and later, declared only under _GNU_SOURCE):
/// the spawned process closes every descriptor from `from` up, after the `dup2`s before it.
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);
static inline int ssml_spawn_close_from(posix_spawn_file_actions_t *actions, int from) { return posix_spawn_file_actions_addclosefrom_np(actions, from); }

/// `pipe2(fds, O_CLOEXEC)`.
static inline int ssml_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

/// Flush-to-zero (the x86 MXCSR FTZ bit): a floating-point result too small to be normal becomes 0, as libebur128
/// sets it around its loudness filter. Returns the mode to restore; `ssml_flush_to_zero_available` says whether the
/// processor has it (elsewhere the two calls do nothing).
#if defined(__x86_64__) || defined(__SSE2__)
#include <xmmintrin.h>
static inline int ssml_flush_to_zero_available(void) { return 1; }
static inline unsigned int ssml_flush_to_zero_begin(void) {
    unsigned int mode = _mm_getcsr();
    _mm_setcsr(mode | _MM_FLUSH_ZERO_ON);
    return mode;
}
static inline void ssml_flush_to_zero_end(unsigned int mode) { _mm_setcsr(mode); }
#else
static inline int ssml_flush_to_zero_available(void) { return 0; }
static inline unsigned int ssml_flush_to_zero_begin(void) { return 0; }
static inline void ssml_flush_to_zero_end(unsigned int mode) { (void)mode; }
#endif

#endif

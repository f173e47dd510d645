/*
 * What Node's dgram lacks for the pacer, on the fd of a dgram socket:
 *   setTos(fd, tos) -> 0 or errno: IP_TOS carries the DSCP (AES67 media: AF41 = 34). Linux lets any
 *     process set it on its own sockets, so this needs no privilege.
 *   getTos(fd) -> tos or -errno.
 *   send(fd, buffer) -> bytes sent or -errno: one datagram on a connected socket, never blocking.
 *     dgram's send() allocates a request object and a callback per packet, which makes the pacer
 *     worker pause for scavenges; this call allocates nothing on the JS heap (its result is a Smi).
 *   monotonicMs(cell) -> undefined: writes CLOCK_MONOTONIC in ms into cell[0] (a Float64Array).
 *     performance.now() returns a fresh heap number per call in Node 20; a double written into a typed
 *     array is read back unboxed, so a pacer reading the clock per packet makes no garbage.
 *   sleepUntilMs(cell) -> undefined: clock_nanosleep to the CLOCK_MONOTONIC time in ms in cell[0].
 *     Atomics.wait takes its timeout as a double, which V8 boxes into a heap number on every call.
 *   setRealtime(priority) -> 0 or errno: SCHED_FIFO at `priority` for the calling thread only (Linux
 *     applies sched_setscheduler(0, ...) to the caller), with SCHED_RESET_ON_FORK so nothing it starts
 *     inherits it. Needs CAP_SYS_NICE or RLIMIT_RTPRIO. Node has no call for a thread's policy.
 * Node-API keeps it ABI-stable and loadable in worker threads.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <node_api.h>
#include <sched.h>
#include <sys/socket.h>
#include <time.h>

/* Reads `want` (at most 2) integer arguments into out; -1 after throwing `usage` as a TypeError. */
static int int_args(napi_env env, napi_callback_info info, size_t want, int32_t *out, const char *usage) {
  size_t argc = 2;
  napi_value argv[2];
  int ok = napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok && argc >= want;
  for (size_t i = 0; ok && i < want; i++) ok = napi_get_value_int32(env, argv[i], &out[i]) == napi_ok;
  if (ok) return 0;
  napi_throw_type_error(env, NULL, usage);
  return -1;
}

static napi_value result(napi_env env, int32_t value) {
  napi_value v;
  napi_create_int32(env, value, &v);
  return v;
}

static napi_value set_tos(napi_env env, napi_callback_info info) {
  int32_t a[2];
  if (int_args(env, info, 2, a, "setTos(fd, tos) takes two integers") != 0) return NULL;
  int tos = a[1];
  return result(env, setsockopt(a[0], IPPROTO_IP, IP_TOS, &tos, sizeof tos) == 0 ? 0 : errno);
}

static napi_value get_tos(napi_env env, napi_callback_info info) {
  int32_t a[1];
  if (int_args(env, info, 1, a, "getTos(fd) takes an integer") != 0) return NULL;
  int tos = 0;
  socklen_t len = sizeof tos;
  return result(env, getsockopt(a[0], IPPROTO_IP, IP_TOS, &tos, &len) == 0 ? tos : -errno);
}

static napi_value send_datagram(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t fd;
  void *data;
  size_t len;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 ||
      napi_get_value_int32(env, argv[0], &fd) != napi_ok || napi_get_buffer_info(env, argv[1], &data, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "send(fd, buffer) takes an integer and a Buffer");
    return NULL;
  }
  ssize_t n = send(fd, data, len, MSG_DONTWAIT);
  return result(env, n >= 0 ? (int32_t)n : -errno);
}

/* The first element of the Float64Array argument, or NULL after throwing `usage` as a TypeError. */
static double *float64_cell(napi_env env, napi_callback_info info, const char *usage) {
  size_t argc = 1;
  napi_value argv[1];
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, NULL) != napi_ok || type != napi_float64_array || length < 1) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  return (double *)data;
}

static napi_value monotonic_ms(napi_env env, napi_callback_info info) {
  double *cell = float64_cell(env, info, "monotonicMs(cell) takes a Float64Array");
  if (cell == NULL) return NULL;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  *cell = (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
  return NULL;
}

static napi_value sleep_until_ms(napi_env env, napi_callback_info info) {
  double *cell = float64_cell(env, info, "sleepUntilMs(cell) takes a Float64Array");
  if (cell == NULL) return NULL;
  double ms = *cell;
  if (!(ms > 0)) return NULL;
  struct timespec at;
  at.tv_sec = (time_t)(ms / 1e3);
  at.tv_nsec = (long)((ms - (double)at.tv_sec * 1e3) * 1e6);
  if (at.tv_nsec >= 1000000000L) {
    at.tv_sec += 1;
    at.tv_nsec -= 1000000000L;
  }
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL) == EINTR) {
  }
  return NULL;
}

static napi_value set_realtime(napi_env env, napi_callback_info info) {
  int32_t a[1];
  if (int_args(env, info, 1, a, "setRealtime(priority) takes an integer") != 0) return NULL;
  struct sched_param param = {.sched_priority = a[0]};
  return result(env, sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &param) == 0 ? 0 : errno);
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"setTos", NULL, set_tos, NULL, NULL, NULL, napi_default, NULL},
      {"getTos", NULL, get_tos, NULL, NULL, NULL, napi_default, NULL},
      {"send", NULL, send_datagram, NULL, NULL, NULL, napi_default, NULL},
      {"monotonicMs", NULL, monotonic_ms, NULL, NULL, NULL, napi_default, NULL},
      {"sleepUntilMs", NULL, sleep_until_ms, NULL, NULL, NULL, napi_default, NULL},
      {"setRealtime", NULL, set_realtime, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

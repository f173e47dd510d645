/*
 * The one socket option Node's dgram lacks: IP_TOS, which carries the DSCP (AES67 media: AF41 = 34).
 * setTos(fd, tos) -> 0 or errno; getTos(fd) -> tos or -errno. Linux lets any process set IP_TOS on its
 * own sockets, so this needs no privilege. Node-API keeps it ABI-stable and loadable in worker threads.
 */
#include <errno.h>
#include <netinet/in.h>
#include <node_api.h>
#include <sys/socket.h>

static int int_args(napi_env env, napi_callback_info info, size_t want, int32_t *out) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want) return -1;
  for (size_t i = 0; i < want; i++)
    if (napi_get_value_int32(env, argv[i], &out[i]) != napi_ok) return -1;
  return 0;
}

static napi_value result(napi_env env, int32_t value) {
  napi_value v;
  napi_create_int32(env, value, &v);
  return v;
}

static napi_value set_tos(napi_env env, napi_callback_info info) {
  int32_t a[2];
  if (int_args(env, info, 2, a) != 0) {
    napi_throw_type_error(env, NULL, "setTos(fd, tos) takes two integers");
    return NULL;
  }
  int tos = a[1];
  return result(env, setsockopt(a[0], IPPROTO_IP, IP_TOS, &tos, sizeof tos) == 0 ? 0 : errno);
}

static napi_value get_tos(napi_env env, napi_callback_info info) {
  int32_t a[1];
  if (int_args(env, info, 1, a) != 0) {
    napi_throw_type_error(env, NULL, "getTos(fd) takes an integer");
    return NULL;
  }
  int tos = 0;
  socklen_t len = sizeof tos;
  return result(env, getsockopt(a[0], IPPROTO_IP, IP_TOS, &tos, &len) == 0 ? tos : -errno);
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"setTos", NULL, set_tos, NULL, NULL, NULL, napi_default, NULL},
      {"getTos", NULL, get_tos, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, 2, props);
  return exports;
}

{
  "targets": [
    {
      "target_name": "udp",
      "sources": ["udp.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    }
  ]
}

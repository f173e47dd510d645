/*
 * The machine's floor for pacing: N mono L24 streams, one thread, clock_nanosleep to absolute
 * CLOCK_MONOTONIC deadlines, one send() per stream per packet on connected UDP sockets, DSCP 34.
 * Usage: floor <src-ip> <first-group-ip> <streams> <ptime-us> <seconds>   (groups are consecutive)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: floor <src-ip> <first-group> <streams> <ptime-us> <seconds>\n");
    return 2;
  }
  int n = atoi(argv[3]);
  long ptime_ns = atol(argv[4]) * 1000L;
  long packets = atol(argv[5]) * 1000000000L / ptime_ns;
  int frames = (int)(48000L * ptime_ns / 1000000000L);
  int *fds = calloc(n, sizeof *fds);
  uint8_t pkt[12 + 1440];
  memset(pkt, 0, sizeof pkt);
  pkt[0] = 0x80;
  pkt[1] = 96;
  struct in_addr src, group;
  inet_pton(AF_INET, argv[1], &src);
  inet_pton(AF_INET, argv[2], &group);
  for (int i = 0; i < n; i++) {
    fds[i] = socket(AF_INET, SOCK_DGRAM, 0);
    int tos = 34 << 2, ttl = 16;
    setsockopt(fds[i], IPPROTO_IP, IP_TOS, &tos, sizeof tos);
    setsockopt(fds[i], IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl);
    setsockopt(fds[i], IPPROTO_IP, IP_MULTICAST_IF, &src, sizeof src);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(5004)};
    to.sin_addr.s_addr = htonl(ntohl(group.s_addr) + i);
    if (connect(fds[i], (struct sockaddr *)&to, sizeof to) != 0) {
      perror("connect");
      return 1;
    }
  }
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  for (long k = 0; k < packets; k++) {
    t.tv_nsec += ptime_ns;
    while (t.tv_nsec >= 1000000000L) {
      t.tv_nsec -= 1000000000L;
      t.tv_sec++;
    }
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL);
    uint32_t ts = htonl((uint32_t)(k * frames));
    uint16_t seq = htons((uint16_t)k);
    memcpy(pkt + 2, &seq, 2);
    memcpy(pkt + 4, &ts, 4);
    for (int i = 0; i < n; i++) send(fds[i], pkt, 12 + 3 * frames, 0);
  }
  return 0;
}

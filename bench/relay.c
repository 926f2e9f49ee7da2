/*
 * A TCP relay that delays every byte by a fixed time each way, so that a
 * bench against a server on this machine shows what a server on another
 * host gives (bench/relay.js builds and starts it; every contender goes
 * through the same relay).
 *
 *   relay <listen port> <target host> <target port> <delay in microseconds>
 *
 * Prints "listening <port>" once ready. One thread, epoll, and a timerfd
 * armed at the next chunk's due time (Node's timers cannot wait 100 us, and a
 * spinning relay would take a core from the contenders). With one delay for
 * every chunk, chunks fall due in arrival order: one FIFO for all of them.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define READ_SIZE 65536

struct side {
  int fd;
  char *out; /* bytes due but not yet taken by the socket */
  size_t out_len;
  int eof_due;  /* shut down writing once out is empty */
  int eof_sent; /* done */
  int read_eof; /* this side closed its writing half */
};

struct conn {
  struct side s[2]; /* 0: the client, 1: the server */
  int dead;
};

struct chunk {
  uint64_t due;
  struct conn *c;
  int to; /* index of the side it goes to */
  size_t len; /* 0: the other side closed */
  struct chunk *next;
  char data[];
};

static struct chunk *head, *tail;
static int ep, tfd;
static uint64_t delay_ns;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void arm(void) {
  struct itimerspec it = {0};
  if (head) {
    it.it_value.tv_sec = head->due / 1000000000ull;
    it.it_value.tv_nsec = head->due % 1000000000ull;
    if (it.it_value.tv_sec == 0 && it.it_value.tv_nsec == 0) it.it_value.tv_nsec = 1;
  }
  timerfd_settime(tfd, TFD_TIMER_ABSTIME, &it, NULL);
}

static void kill_conn(struct conn *c) {
  if (c->dead) return;
  c->dead = 1;
  for (int i = 0; i < 2; i++) {
    close(c->s[i].fd);
    free(c->s[i].out);
    c->s[i].out = NULL;
  }
  /* the struct stays: chunks still queued point at it (a bench makes few connections) */
}

static void watch(struct conn *c, int i, int want_out) {
  struct epoll_event ev = {.events = (c->s[i].read_eof ? 0 : EPOLLIN) | (want_out ? EPOLLOUT : 0),
                           .data.u64 = ((uint64_t)(uintptr_t)c) | (uint64_t)i};
  epoll_ctl(ep, EPOLL_CTL_MOD, c->s[i].fd, &ev);
}

/* Write what is due to side i; keep the rest for EPOLLOUT. */
static void flush_side(struct conn *c, int i) {
  struct side *s = &c->s[i];
  while (s->out_len > 0) {
    ssize_t n = write(s->fd, s->out, s->out_len);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        watch(c, i, 1);
        return;
      }
      kill_conn(c);
      return;
    }
    memmove(s->out, s->out + n, s->out_len - n);
    s->out_len -= n;
  }
  watch(c, i, 0);
  if (s->eof_due && !s->eof_sent) {
    shutdown(s->fd, SHUT_WR);
    s->eof_sent = 1;
    /* both halves closed both ways: the connection is over */
    if (c->s[0].eof_sent && c->s[1].eof_sent) kill_conn(c);
  }
}

static void deliver_due(void) {
  uint64_t t = now_ns();
  while (head && head->due <= t) {
    struct chunk *k = head;
    head = k->next;
    if (!head) tail = NULL;
    struct conn *c = k->c;
    if (!c->dead) {
      struct side *s = &c->s[k->to];
      if (k->len == 0) {
        s->eof_due = 1;
      } else {
        s->out = realloc(s->out, s->out_len + k->len);
        memcpy(s->out + s->out_len, k->data, k->len);
        s->out_len += k->len;
      }
      flush_side(c, k->to);
    }
    free(k);
  }
  arm();
}

static void enqueue(struct conn *c, int to, const char *data, size_t len) {
  struct chunk *k = malloc(sizeof *k + len);
  k->due = now_ns() + delay_ns;
  k->c = c;
  k->to = to;
  k->len = len;
  k->next = NULL;
  if (len) memcpy(k->data, data, len);
  int was_empty = head == NULL;
  if (tail) tail->next = k;
  else head = k;
  tail = k;
  if (was_empty) arm();
}

static int connect_target(const char *host, const char *port) {
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res;
  if (getaddrinfo(host, port, &hints, &res) != 0) return -1;
  int fd = -1;
  for (struct addrinfo *a = res; a; a = a->ai_next) {
    fd = socket(a->ai_family, SOCK_STREAM, 0);
    if (fd < 0) continue;
    if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  return fd;
}

static void setup_fd(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: relay <listen port> <target host> <target port> <delay us>\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  delay_ns = (uint64_t)strtoull(argv[4], NULL, 10) * 1000ull;
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1])), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) || listen(lfd, 512)) {
    perror("relay: listen");
    return 1;
  }
  socklen_t alen = sizeof addr;
  getsockname(lfd, (struct sockaddr *)&addr, &alen);
  ep = epoll_create1(0);
  tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 1ull << 62};
  epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
  ev.data.u64 = 1ull << 63;
  epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev);
  printf("listening %d\n", ntohs(addr.sin_port));
  fflush(stdout);
  static char buf[READ_SIZE];
  struct epoll_event events[64];
  for (;;) {
    int n = epoll_wait(ep, events, 64, -1);
    if (n < 0 && errno == EINTR) continue;
    for (int e = 0; e < n; e++) {
      uint64_t tag = events[e].data.u64;
      if (tag == 1ull << 62) {
        int cfd = accept(lfd, NULL, NULL);
        if (cfd < 0) continue;
        int sfd = connect_target(argv[2], argv[3]);
        if (sfd < 0) {
          close(cfd);
          continue;
        }
        struct conn *c = calloc(1, sizeof *c);
        c->s[0].fd = cfd;
        c->s[1].fd = sfd;
        for (int i = 0; i < 2; i++) {
          setup_fd(c->s[i].fd);
          struct epoll_event cev = {.events = EPOLLIN, .data.u64 = ((uint64_t)(uintptr_t)c) | (uint64_t)i};
          epoll_ctl(ep, EPOLL_CTL_ADD, c->s[i].fd, &cev);
        }
      } else if (tag == 1ull << 63) {
        uint64_t expirations;
        while (read(tfd, &expirations, sizeof expirations) > 0) {
        }
        deliver_due();
      } else {
        struct conn *c = (struct conn *)(uintptr_t)(tag & ~1ull);
        int i = (int)(tag & 1ull);
        if (c->dead) continue;
        if (events[e].events & EPOLLOUT) flush_side(c, i);
        if (c->dead) continue;
        if (events[e].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
          for (;;) {
            ssize_t r = read(c->s[i].fd, buf, sizeof buf);
            if (r > 0) {
              enqueue(c, 1 - i, buf, (size_t)r);
              continue;
            }
            if (r == 0) {
              enqueue(c, 1 - i, NULL, 0);
              c->s[i].read_eof = 1;
              watch(c, i, c->s[i].out_len > 0);
            } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
              kill_conn(c);
            }
            break;
          }
        }
      }
    }
  }
}

/*
 * net-snmp's asynchronous C API as a GET load generator for the peer benchmark
 * (benches/peers/main.rs compiles it with `cc ... -lnetsnmp` and runs it as its own process).
 *
 * It follows the protocol of benches/peers/common.rs: RSS before any session; one session per
 * agent (snmp_sess_open, the thread-safe single-session API) and one GET of sysUpTime.0 from
 * every agent; RSS again; then `inflight` slots, each with one request outstanding
 * (snmp_sess_async_send; the callback records the latency and sends the slot's next request),
 * a warm-up and a measured window. It prints the same `rate= ... errors=` line.
 *
 * The event loop: net-snmp's own select loop (snmp_sess_select_info + select) cannot hold
 * 10,000 sockets (FD_SETSIZE is 1024) and walks every session on every call, so this client
 * waits with epoll over the sessions' sockets and hands each ready socket to its session with
 * snmp_sess_read2 (a netsnmp_large_fd_set holding that one descriptor): net-snmp's best case.
 * Every session's retransmissions are driven by snmp_sess_timeout every TIMEOUT_TICK_MS.
 *
 * Usage: netsnmp_get --ports SPEC --inflight W --warmup S --window S --agent-pid PID
 * With NETSNMP_GET_V3=USER:AUTHPASS:PRIVPASS in the environment it speaks SNMPv3 authPriv with
 * SHA-256 and AES-128 instead of v2c (the `v3` section of the benchmark).
 * Traffic goes to 127.0.0.1 only.
 */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define OID_TEXT ".1.3.6.1.2.1.1.3.0"
#define TIMEOUT_US 1000000 /* as common.rs TIMEOUT */
#define RETRIES 3          /* as common.rs RETRIES */
#define TIMEOUT_TICK_MS 100
#define EVENTS 512
#define USER_HZ 100

/* SNMPv3 authPriv (SHA-256, AES-128) when NETSNMP_GET_V3=USER:AUTHPASS:PRIVPASS is set. */
static int use_v3(netsnmp_session *s) {
    static char spec[256];
    const char *env = getenv("NETSNMP_GET_V3");
    if (!env || strlen(env) >= sizeof spec)
        return 0;
    strcpy(spec, env);
    char *auth = strchr(spec, ':');
    char *priv = auth ? strchr(auth + 1, ':') : NULL;
    if (!priv)
        return 0;
    *auth++ = 0;
    *priv++ = 0;
    s->version = SNMP_VERSION_3;
    s->securityName = spec;
    s->securityNameLen = strlen(spec);
    s->securityLevel = SNMP_SEC_LEVEL_AUTHPRIV;
    s->securityAuthProto = usmHMAC192SHA256AuthProtocol;
    s->securityAuthProtoLen = OID_LENGTH(usmHMAC192SHA256AuthProtocol);
    s->securityAuthKeyLen = USM_AUTH_KU_LEN;
    if (generate_Ku(s->securityAuthProto, s->securityAuthProtoLen, (u_char *)auth, strlen(auth),
                    s->securityAuthKey, &s->securityAuthKeyLen) != SNMPERR_SUCCESS)
        return 0;
    s->securityPrivProto = usmAESPrivProtocol;
    s->securityPrivProtoLen = OID_LENGTH(usmAESPrivProtocol);
    s->securityPrivKeyLen = USM_PRIV_KU_LEN;
    if (generate_Ku(s->securityAuthProto, s->securityAuthProtoLen, (u_char *)priv, strlen(priv),
                    s->securityPrivKey, &s->securityPrivKeyLen) != SNMPERR_SUCCESS)
        return 0;
    return 1;
}

struct slot {
    int index;  /* this slot's number */
    int agent;  /* the agent its outstanding request went to */
    double sent; /* when, in seconds */
};

static void **sessions;
static int nagents, inflight;
static struct slot *slots;
static oid get_oid[MAX_OID_LEN];
static size_t get_oid_len = MAX_OID_LEN;
static int measuring, first_round_left;
static double *lat;
static size_t nlat, cap_lat;
static unsigned long errors;

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static long rss_kb(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = 0;
    if (!f)
        return 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

/* utime + stime of `pid`, in seconds. */
static double proc_cpu(long pid) {
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    if (!p)
        return 0;
    unsigned long ut = 0, st = 0;
    /* after ')': state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st);
    return (double)(ut + st) / USER_HZ;
}

/* Busy CPU of the whole machine (first line of /proc/stat, less idle and iowait), in seconds. */
static double machine_busy(void) {
    FILE *f = fopen("/proc/stat", "r");
    unsigned long long v[8] = {0};
    if (!f)
        return 0;
    if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
               &v[5], &v[6], &v[7]) != 8)
        v[0] = 0;
    fclose(f);
    return (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / USER_HZ;
}

static int send_get(struct slot *s);

static int on_answer(int op, netsnmp_session *sess, int reqid, netsnmp_pdu *pdu, void *magic) {
    struct slot *s = magic;
    (void)sess;
    (void)reqid;
    if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE && pdu->errstat == SNMP_ERR_NOERROR) {
        if (measuring) {
            if (nlat == cap_lat) {
                cap_lat = cap_lat ? cap_lat * 2 : 1 << 20;
                lat = realloc(lat, cap_lat * sizeof *lat);
            }
            lat[nlat++] = now_s() - s->sent;
        }
    } else if (measuring) {
        errors++;
    }
    if (first_round_left > 0) {
        /* First round: every agent once; the slot moves on to the next agent not yet asked. */
        first_round_left--;
        s->agent += inflight;
        if (s->agent < nagents)
            send_get(s);
        return 1;
    }
    s->agent = (s->agent + inflight) % nagents;
    send_get(s);
    return 1;
}

static int send_get(struct slot *s) {
    netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GET);
    snmp_add_null_var(pdu, get_oid, get_oid_len);
    s->sent = now_s();
    if (!snmp_sess_async_send(sessions[s->agent], pdu, on_answer, s)) {
        snmp_free_pdu(pdu);
        errors++;
        return 0;
    }
    return 1;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Parses "a-b,c" into ports; returns how many. */
static int parse_ports(const char *spec, int **out) {
    int cap = 1024, n = 0;
    int *p = malloc(cap * sizeof *p);
    const char *s = spec;
    while (*s) {
        char *end;
        long a = strtol(s, &end, 10), b = a;
        if (*end == '-')
            b = strtol(end + 1, &end, 10);
        for (long x = a; x <= b; x++) {
            if (n == cap)
                p = realloc(p, (cap *= 2) * sizeof *p);
            p[n++] = (int)x;
        }
        s = *end == ',' ? end + 1 : end;
        if (end == s && *s)
            break;
    }
    *out = p;
    return n;
}

static const char *arg(int argc, char **argv, const char *name) {
    for (int i = 1; i + 1 < argc; i++)
        if (!strcmp(argv[i], name))
            return argv[i + 1];
    fprintf(stderr, "netsnmp_get: missing %s\n", name);
    exit(2);
}

/* Waits up to `ms` for answers and runs net-snmp's read and timeout handling. */
static void pump(int ep, struct epoll_event *ev, netsnmp_large_fd_set *one, void **by_fd, int ms,
                 double *last_tick) {
    int n = epoll_wait(ep, ev, EVENTS, ms);
    for (int i = 0; i < n; i++) {
        int fd = ev[i].data.fd;
        NETSNMP_LARGE_FD_SET(fd, one);
        snmp_sess_read2(by_fd[fd], one);
        NETSNMP_LARGE_FD_CLR(fd, one);
    }
    double t = now_s();
    if (t - *last_tick > TIMEOUT_TICK_MS / 1000.0) {
        for (int a = 0; a < nagents; a++)
            snmp_sess_timeout(sessions[a]);
        *last_tick = t;
    }
}

int main(int argc, char **argv) {
    int *ports;
    nagents = parse_ports(arg(argc, argv, "--ports"), &ports);
    inflight = atoi(arg(argc, argv, "--inflight"));
    double warmup = atof(arg(argc, argv, "--warmup"));
    double window = atof(arg(argc, argv, "--window"));
    long agent_pid = atol(arg(argc, argv, "--agent-pid"));
    if (nagents <= 0 || inflight <= 0) {
        fprintf(stderr, "netsnmp_get: no agents or no slots\n");
        return 2;
    }

    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);

    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    init_snmp("netsnmp_get");
    if (!read_objid(OID_TEXT, get_oid, &get_oid_len)) {
        fprintf(stderr, "netsnmp_get: bad OID\n");
        return 2;
    }
    long rss_base = rss_kb();

    int ep = epoll_create1(0);
    sessions = calloc(nagents, sizeof *sessions);
    int maxfd = 0;
    void **by_fd = NULL;
    int by_fd_cap = 0;
    for (int a = 0; a < nagents; a++) {
        netsnmp_session s;
        char peer[64];
        snmp_sess_init(&s);
        snprintf(peer, sizeof peer, "udp:127.0.0.1:%d", ports[a]);
        s.peername = peer;
        if (!use_v3(&s)) {
            s.version = SNMP_VERSION_2c;
            s.community = (u_char *)"public";
            s.community_len = 6;
        }
        s.timeout = TIMEOUT_US;
        s.retries = RETRIES;
        sessions[a] = snmp_sess_open(&s);
        if (!sessions[a]) {
            snmp_perror("snmp_sess_open");
            return 2;
        }
        int fd = snmp_sess_transport(sessions[a])->sock;
        if (fd >= by_fd_cap) {
            int c = by_fd_cap ? by_fd_cap : 1024;
            while (c <= fd)
                c *= 2;
            by_fd = realloc(by_fd, c * sizeof *by_fd);
            by_fd_cap = c;
        }
        by_fd[fd] = sessions[a];
        if (fd > maxfd)
            maxfd = fd;
        struct epoll_event e = {.events = EPOLLIN, .data.fd = fd};
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
    }
    netsnmp_large_fd_set one;
    netsnmp_large_fd_set_init(&one, maxfd + 1);
    struct epoll_event ev[EVENTS];
    double last_tick = now_s();

    /* First round: every agent once, `inflight` at a time. */
    slots = calloc(inflight, sizeof *slots);
    first_round_left = nagents;
    for (int k = 0; k < inflight && k < nagents; k++) {
        slots[k].index = k;
        slots[k].agent = k;
        send_get(&slots[k]);
    }
    double deadline = now_s() + 30;
    while (first_round_left > 0 && now_s() < deadline)
        pump(ep, ev, &one, by_fd, 10, &last_tick);
    if (first_round_left > 0) {
        fprintf(stderr, "netsnmp_get: %d agents did not answer the first round\n", first_round_left);
        return 1;
    }
    long rss_open = rss_kb();

    /* Closed loop. Slots that ended the first round past the last agent start again. */
    for (int k = 0; k < inflight; k++) {
        slots[k].index = k;
        slots[k].agent = k % nagents;
        send_get(&slots[k]);
    }
    double t0 = now_s();
    while (now_s() < t0 + warmup)
        pump(ep, ev, &one, by_fd, 10, &last_tick);
    double own0 = proc_cpu(getpid()), agent0 = proc_cpu(agent_pid), machine0 = machine_busy();
    measuring = 1;
    double w0 = now_s();
    while (now_s() < w0 + window)
        pump(ep, ev, &one, by_fd, 10, &last_tick);
    measuring = 0;
    double own1 = proc_cpu(getpid()), agent1 = proc_cpu(agent_pid), machine1 = machine_busy();
    double others = (machine1 - machine0) - (own1 - own0) - (agent1 - agent0);

    qsort(lat, nlat, sizeof *lat, cmp_double);
    double p50 = 0, p99 = 0;
    if (nlat) {
        size_t i50 = (size_t)(nlat * 0.50 + 0.999999), i99 = (size_t)(nlat * 0.99 + 0.999999);
        p50 = lat[(i50 ? i50 : 1) - 1] * 1e6;
        p99 = lat[(i99 ? i99 : 1) - 1] * 1e6;
    }
    printf("rate=%.0f p50_us=%.1f p99_us=%.1f cpu_us=%.2f agent_pct=%.0f others_pct=%.0f "
           "rss_base_kb=%ld rss_open_kb=%ld sessions=%d errors=%lu\n",
           nlat / window, p50, p99, (own1 - own0) * 1e6 / (nlat ? nlat : 1),
           (agent1 - agent0) * 100 / window, (others > 0 ? others : 0) * 100 / window, rss_base,
           rss_open, nagents, errors);
    fflush(stdout);
    _exit(0); /* the agents are not told goodbye: closing 10,000 sessions is not measured */
}

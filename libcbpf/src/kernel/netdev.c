// SPDX-License-Identifier: MIT
/* What a network device carries that a dropping filter would cut: the default route, SSH. */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf/kernel.h"

#define SSH_PORT 22

/* /proc/net/route: the device of a 0.0.0.0/0 route. The file is the caller's network namespace. */
static bool ipv4_default(const char *dev, char *why, size_t size)
{
	FILE *f = fopen("/proc/net/route", "r");
	char line[256], ifname[64];
	unsigned dst, gw, flags, mask;
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %x %x %x %*d %*d %*d %x", ifname, &dst, &gw, &flags,
			   &mask) == 5 &&
		    !dst && !mask && (flags & 1) && !strcmp(ifname, dev)) {
			struct in_addr a = { .s_addr = gw }; /* printed as the raw word it is */
			char addr[INET_ADDRSTRLEN];

			inet_ntop(AF_INET, &a, addr, sizeof(addr));
			snprintf(why, size, "it carries this machine's default route (via %s)",
				 gw ? addr : "the link");
			found = true;
		}
	fclose(f);
	return found;
}

/* /proc/net/ipv6_route: the device of a ::/0 route that is up (not the "unreachable" one). */
static bool ipv6_default(const char *dev, char *why, size_t size)
{
	FILE *f = fopen("/proc/net/ipv6_route", "r");
	char line[512], dst[33], ifname[64];
	unsigned plen, flags;
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%32s %x %*s %*x %*s %*x %*x %*x %x %63s", dst, &plen, &flags,
			   ifname) == 4 &&
		    !plen && !strcmp(dst, "00000000000000000000000000000000") && (flags & 1) &&
		    !(flags & 0x200) && !strcmp(ifname, dev)) {
			snprintf(why, size, "it carries this machine's IPv6 default route");
			found = true;
		}
	fclose(f);
	return found;
}

/* Whether addr (AF_INET or AF_INET6, network order) is an address of dev. */
static bool dev_has(const struct ifaddrs *ifs, const char *dev, int family, const void *addr)
{
	for (const struct ifaddrs *i = ifs; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != family || strcmp(i->ifa_name, dev))
			continue;
		if (family == AF_INET &&
		    !memcmp(&((const struct sockaddr_in *)(const void *)i->ifa_addr)->sin_addr,
			    addr, 4))
			return true;
		if (family == AF_INET6 &&
		    !memcmp(&((const struct sockaddr_in6 *)(const void *)i->ifa_addr)->sin6_addr,
			    addr, 16))
			return true;
	}
	return false;
}

/* "0100007F:0016" (IPv4) or 32 hex digits and a port (IPv6): words as the kernel printed them. */
static bool parse_endpoint(const char *s, int family, unsigned char addr[16], unsigned *port)
{
	int words = family == AF_INET ? 1 : 4;

	for (int w = 0; w < words; w++) {
		char hex[9];
		uint32_t v;

		memcpy(hex, s + 8 * w, 8);
		hex[8] = '\0';
		v = (uint32_t)strtoul(hex, NULL, 16);
		memcpy(addr + 4 * w, &v, 4); /* the kernel prints each word in host order */
	}
	return sscanf(s + 8 * words, ":%x", port) == 1;
}

/* An established TCP connection with port 22 at either end, from an address of dev. */
static bool ssh_socket(const struct ifaddrs *ifs, const char *dev, int family, char *why,
		       size_t size)
{
	FILE *f = fopen(family == AF_INET ? "/proc/net/tcp" : "/proc/net/tcp6", "r");
	char line[512], local[64], remote[64];
	unsigned state;
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned char la[16], ra[16];
		unsigned lport, rport;
		char lbuf[INET6_ADDRSTRLEN], rbuf[INET6_ADDRSTRLEN];

		if (sscanf(line, " %*d: %63s %63s %x", local, remote, &state) != 3 || state != 1 ||
		    !parse_endpoint(local, family, la, &lport) ||
		    !parse_endpoint(remote, family, ra, &rport) ||
		    (lport != SSH_PORT && rport != SSH_PORT) || !dev_has(ifs, dev, family, la))
			continue;
		inet_ntop(family, la, lbuf, sizeof(lbuf));
		inet_ntop(family, ra, rbuf, sizeof(rbuf));
		snprintf(why, size, "it carries an SSH session (%s port %u to %s port %u)", lbuf,
			 lport, rbuf, rport);
		found = true;
	}
	fclose(f);
	return found;
}

/* $SSH_CONNECTION, "client port server port": the session this program runs in. */
static bool ssh_env(const struct ifaddrs *ifs, const char *dev, char *why, size_t size)
{
	const char *env = getenv("SSH_CONNECTION");
	char client[64], server[64];
	unsigned char addr[16];
	int family;

	if (!env || sscanf(env, "%63s %*u %63s %*u", client, server) != 2)
		return false;
	family = strchr(server, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(family, server, addr) != 1 || !dev_has(ifs, dev, family, addr))
		return false;
	snprintf(why, size, "it carries this SSH session (SSH_CONNECTION: from %s to %s)", client,
		 server);
	return true;
}

int cbpf_netdev_lifeline(const char *dev, char *why, size_t size)
{
	struct ifaddrs *ifs = NULL;
	bool found;

	if (ipv4_default(dev, why, size) || ipv6_default(dev, why, size))
		return 1;
	if (getifaddrs(&ifs))
		return -errno;
	found = ssh_env(ifs, dev, why, size) || ssh_socket(ifs, dev, AF_INET, why, size) ||
		ssh_socket(ifs, dev, AF_INET6, why, size);
	freeifaddrs(ifs);
	return found;
}

// SPDX-License-Identifier: MIT
// security_socket_sendmsg: the LSM hook of sock_sendmsg, with a small
// loadable policy in place of an LSM. Policy file, one rule a line:
//   deny udp|raw|any DST[/PREFIX][:PORT] EACCES|EPERM
// The first rule that matches a send's destination refuses it.
#include <cerrno>
#include <fstream>
#include <sstream>
#include <vector>

#include "net.hpp"

namespace sendoff {

namespace {

struct Rule {
  int type = 0;  // SOCK_DGRAM, SOCK_RAW or 0 for any
  uint32_t addr = 0, mask = 0;
  int port = -1;  // -1: any
  int err = EACCES;
};

std::vector<Rule> rules;

bool parse_rule(const std::string& line, Rule* r) {
  std::istringstream in(line);
  std::string verb, proto, dst, err;
  if (!(in >> verb >> proto >> dst >> err) || verb != "deny") return false;
  if (proto == "udp") r->type = SOCK_DGRAM;
  else if (proto == "raw") r->type = SOCK_RAW;
  else if (proto != "any") return false;
  std::string ip = dst;
  size_t colon = dst.find(':');
  if (colon != std::string::npos) {
    ip = dst.substr(0, colon);
    r->port = std::stoi(dst.substr(colon + 1));
    if (r->port < 0 || r->port > 65535) return false;
  }
  int prefix = 32;
  size_t slash = ip.find('/');
  if (slash != std::string::npos) {
    prefix = std::stoi(ip.substr(slash + 1));
    ip = ip.substr(0, slash);
    if (prefix < 0 || prefix > 32) return false;
  }
  if (!parse_ipv4(ip, &r->addr)) return false;
  r->mask = prefix ? ~uint32_t{0} << (32 - prefix) : 0;
  if (err == "EACCES") r->err = EACCES;
  else if (err == "EPERM") r->err = EPERM;
  else return false;
  return true;
}

}  // namespace

int security_load_policy(const std::string& path, std::string* err) {
  std::ifstream f(path);
  if (!f) {
    *err = "cannot read policy file " + path;
    return -ENOENT;
  }
  std::vector<Rule> loaded;
  std::string line;
  for (int no = 1; std::getline(f, line); ++no) {
    size_t hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    Rule r;
    bool ok = false;
    try {
      ok = parse_rule(line, &r);
    } catch (const std::exception&) {
    }
    if (!ok) {
      *err = path + ":" + std::to_string(no) +
             ": want 'deny udp|raw|any DST[/PREFIX][:PORT] EACCES|EPERM'";
      return -EINVAL;
    }
    loaded.push_back(r);
  }
  rules = std::move(loaded);
  return 0;
}

int security_socket_sendmsg(socket* sock, msghdr_k* msg, size_t /*size*/) {
  const struct sock& sk = sock->sk;
  TraceScope ts(sk.sk_net->trace, "security_socket_sendmsg");
  if (rules.empty()) return ts.ret(0);
  uint32_t daddr = sk.daddr;
  int dport = sk.dport;
  if (msg->name && msg->namelen >= static_cast<int>(sizeof(sockaddr_in))) {
    const sockaddr_in* sin = reinterpret_cast<const sockaddr_in*>(msg->name);
    daddr = ntohl(sin->sin_addr.s_addr);
    dport = ntohs(sin->sin_port);
  }
  for (const Rule& r : rules) {
    if (r.type && r.type != sk.type) continue;
    if ((daddr & r.mask) != (r.addr & r.mask)) continue;
    if (r.port >= 0 && (sk.type != SOCK_DGRAM || r.port != dport)) continue;
    return ts.ret(-r.err, "denied by policy");
  }
  return ts.ret(0);
}

}  // namespace sendoff

// SPDX-License-Identifier: MIT
// The frames of a pcap file as PcapSink writes it (libpcap format, host byte
// order), without their capture times.
#ifndef SENDOFF_TESTS_SUPPORT_PCAP_FILE_HPP
#define SENDOFF_TESTS_SUPPORT_PCAP_FILE_HPP

#include <cstdint>
#include <string>
#include <vector>

namespace sendoff {
namespace test {

// Each record's bytes, in file order; *err says what was malformed (a missing
// header, a cut record), and the frames before it are returned.
std::vector<std::vector<uint8_t>> read_pcap_frames(const std::string& path, std::string* err);

}  // namespace test
}  // namespace sendoff

#endif  // SENDOFF_TESTS_SUPPORT_PCAP_FILE_HPP

// SPDX-License-Identifier: MIT
#include "xclbin_writer.hpp"

#include <xclbin.h>

#include <algorithm>
#include <cstring>
#include <sstream>

#include "mini_xml.hpp"

namespace sendoff {
namespace xclbin {

namespace {

// Where the CUs' control registers start, and the room each gets: the
// 64 KiB XRT assumes per CU.
constexpr uint64_t kCuBase = 0x1800000;
constexpr uint64_t kCuStride = 0x10000;

struct Cu {
  const KernelDecl* kernel;
  std::string name;
  uint64_t base;
};

struct MemEntry {
  uint8_t type;
  std::string tag;
  Bank bank;
};

struct Conn {
  int32_t arg, ip, mem;
};

std::string hex(uint64_t v) {
  std::ostringstream s;
  s << "0x" << std::hex << v;
  return s.str();
}

unsigned control_code(const std::string& protocol) {
  if (protocol == "ap_ctrl_chain") return AP_CTRL_CHAIN;
  if (protocol == "ap_ctrl_none" || protocol == "user_managed") return AP_CTRL_NONE;
  return AP_CTRL_HS;
}

bool mem_type_of(const std::string& tag, uint8_t* type) {
  if (tag.rfind("DDR[", 0) == 0) *type = MEM_DDR4;
  else if (tag.rfind("HBM[", 0) == 0) *type = MEM_HBM;
  else if (tag.rfind("HOST[", 0) == 0) *type = MEM_HOST;
  else if (tag.rfind("PLRAM[", 0) == 0) *type = MEM_DRAM;
  else return false;
  return true;
}

bool bank_index(const std::string& tag, uint64_t* n) {
  size_t lb = tag.find('['), rb = tag.find(']');
  if (lb == std::string::npos || rb != tag.size() - 1) return false;
  return parse_number(tag.substr(lb + 1, rb - lb - 1), n);
}

template <typename T>
void put(std::vector<uint8_t>* out, size_t off, const T& v) {
  std::memcpy(out->data() + off, &v, sizeof v);
}

void put_cstr(uint8_t* dst, size_t cap, const std::string& s) {
  std::memset(dst, 0, cap);
  std::memcpy(dst, s.data(), std::min(s.size(), cap - 1));
}

// 128-bit FNV-1a: a stable name for the image's content.
void content_uuid(const std::vector<uint8_t>& bytes, unsigned char out[16]) {
  unsigned __int128 h = (static_cast<unsigned __int128>(0x6c62272e07bb0142ull) << 64) |
                        0x62b821756295c58dull;
  const unsigned __int128 prime = (static_cast<unsigned __int128>(0x0000000001000000ull) << 64) |
                                  0x000000000000013Bull;
  for (uint8_t b : bytes) {
    h ^= b;
    h *= prime;
  }
  for (int i = 0; i < 16; ++i) out[i] = static_cast<unsigned char>(h >> (8 * (15 - i)));
  out[6] = static_cast<unsigned char>((out[6] & 0x0F) | 0x80);  // RFC 9562 version 8: custom
  out[8] = static_cast<unsigned char>((out[8] & 0x3F) | 0x80);  // RFC 4122 variant
}

// The CUs of the described kernels, in nk order.
bool collect_cus(const XclbinInput& in, std::vector<Cu>* cus, std::string* err) {
  for (const KernelDecl& k : in.kernels) {
    bool named = false;
    for (const auto& nk : in.link.nk) {
      if (nk.kernel != k.name) continue;
      named = true;
      for (const std::string& cu : nk.cus)
        cus->push_back({&k, cu, kCuBase + kCuStride * cus->size()});
    }
    if (!named) {
      *err = in.link.source + ": no nk line instantiates kernel " + k.name;
      return false;
    }
  }
  for (const auto& sp : in.link.sp) {
    if (std::none_of(cus->begin(), cus->end(), [&](const Cu& c) { return c.name == sp.cu; })) {
      *err = in.link.source + ":" + std::to_string(sp.line) + ": sp names CU " + sp.cu +
             ", which no nk line of a described kernel creates";
      return false;
    }
  }
  return true;
}

}  // namespace

bool default_bank(const std::string& tag, Bank* b) {
  uint8_t type;
  uint64_t n;
  if (!mem_type_of(tag, &type) || !bank_index(tag, &n)) return false;
  switch (type) {
    case MEM_DDR4: *b = {0x4000000000ull + n * 0x400000000ull, 16ull << 30}; break;
    case MEM_HBM: *b = {n * 0x10000000ull, 256ull << 20}; break;
    case MEM_HOST: *b = {0x2000000000ull + n * 0x100000000ull, 1ull << 30}; break;
    default: *b = {0x3000000000ull + n * 0x20000ull, 128ull << 10}; break;  // PLRAM
  }
  return true;
}

std::string embedded_metadata(const XclbinInput& in) {
  std::ostringstream x;
  x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    << "<project name=\"sendoff\">\n"
    << "  <platform vendor=\"xilinx\" boardid=\"\" name=\"" << xml::escape(in.platform)
    << "\" featureRomTime=\"0\">\n"
    << "    <device name=\"fpga0\" fpgaDevice=\"\" addrWidth=\"0\">\n"
    << "      <core name=\"OCL_REGION_0\" target=\"bitstream\" type=\"clc_region\" "
       "clockFreq=\"0MHz\" numComputeUnits=\"0\">\n";
  std::vector<Cu> cus;
  std::string ignored;
  collect_cus(in, &cus, &ignored);
  for (const KernelDecl& k : in.kernels) {
    x << "        <kernel name=\"" << xml::escape(k.name) << "\" language=\""
      << xml::escape(k.language) << "\" vlnv=\"\" preferredWorkGroupSizeMultiple=\"0\" "
      << "workGroupSize=\"1\" interrupt=\"" << (k.interrupt ? "true" : "false")
      << "\" hwControlProtocol=\"" << xml::escape(k.control_protocol) << "\">\n";
    for (const PortDecl& p : k.ports) {
      x << "          <port name=\"" << xml::escape(p.name) << "\" mode=\"" << xml::escape(p.mode)
        << "\" range=\"" << hex(p.range) << "\" dataWidth=\"" << p.data_width
        << "\" portType=\"" << xml::escape(p.port_type) << "\" base=\"" << hex(p.base)
        << "\"/>\n";
    }
    for (const ArgDecl& a : k.args) {
      x << "          <arg name=\"" << xml::escape(a.name) << "\" addressQualifier=\""
        << a.address_qualifier << "\" id=\"" << a.id << "\" port=\"" << xml::escape(a.port)
        << "\" size=\"" << hex(a.size) << "\" offset=\"" << hex(a.offset) << "\" hostOffset=\""
        << hex(a.host_offset) << "\" hostSize=\"" << hex(a.host_size) << "\" type=\""
        << xml::escape(a.type) << "\"/>\n";
    }
    const PortDecl* ctl = k.control_port();
    for (const Cu& cu : cus) {
      if (cu.kernel != &k) continue;
      x << "          <instance name=\"" << xml::escape(cu.name) << "\">\n";
      if (ctl)
        x << "            <addrRemap base=\"" << hex(cu.base) << "\" range=\"" << hex(ctl->range)
          << "\" port=\"" << xml::escape(ctl->name) << "\"/>\n";
      x << "          </instance>\n";
    }
    x << "        </kernel>\n";
  }
  x << "      </core>\n    </device>\n  </platform>\n</project>\n";
  return x.str();
}

bool build_xclbin(const XclbinInput& in, std::vector<uint8_t>* image, std::string* err) {
  std::vector<Cu> cus;
  if (!collect_cus(in, &cus, err)) return false;

  // Banks and connections, CU by CU, argument by argument.
  std::vector<MemEntry> mems;
  std::vector<Conn> conns;
  auto mem_index = [&](const std::string& tag, uint8_t type) -> int32_t {
    for (size_t i = 0; i < mems.size(); ++i)
      if (mems[i].tag == tag) return static_cast<int32_t>(i);
    Bank b{};
    auto given = in.banks.find(tag);
    if (given != in.banks.end()) b = given->second;
    else if (type != MEM_STREAMING_CONNECTION) default_bank(tag, &b);
    mems.push_back({type, tag, b});
    return static_cast<int32_t>(mems.size() - 1);
  };
  for (size_t ci = 0; ci < cus.size(); ++ci) {
    const Cu& cu = cus[ci];
    for (const ArgDecl& a : cu.kernel->args) {
      if (a.address_qualifier == ARG_GLOBAL) {
        const LinkSpec::Sp* hit = nullptr;
        for (const auto& sp : in.link.sp)
          if (sp.cu == cu.name && (sp.iface == a.name || sp.iface == a.port)) hit = &sp;
        if (!hit) {
          *err = in.link.source + ": no sp line places argument " + a.name + " (port " + a.port +
                 ") of CU " + cu.name;
          return false;
        }
        uint8_t type;
        uint64_t n;
        if (!mem_type_of(hit->bank, &type) || !bank_index(hit->bank, &n)) {
          *err = in.link.source + ":" + std::to_string(hit->line) + ": memory " + hit->bank +
                 " is not DDR[n], HBM[n], HOST[n] or PLRAM[n]";
          return false;
        }
        conns.push_back({static_cast<int32_t>(a.id), static_cast<int32_t>(ci),
                         mem_index(hit->bank, type)});
      } else if (a.address_qualifier == ARG_STREAM) {
        for (const auto& s : in.link.streams) {
          bool from = s.from_cu == cu.name && s.from_port == a.port;
          bool to = s.to_cu == cu.name && s.to_port == a.port;
          if (!from && !to) continue;
          // One streaming memory per link, named by its index: an xclbin memory tag has
          // 16 bytes, too few for "cu.port" names such as udp_tx_1.s_axis_udp_meta.
          std::string tag = "stream" + std::to_string(&s - in.link.streams.data());
          conns.push_back({static_cast<int32_t>(a.id), static_cast<int32_t>(ci),
                           mem_index(tag, MEM_STREAMING_CONNECTION)});
        }
      }
    }
  }
  for (const auto& sp : in.link.sp) {
    const Cu* cu = nullptr;
    for (const Cu& c : cus)
      if (c.name == sp.cu) cu = &c;
    const KernelDecl& k = *cu->kernel;
    const ArgDecl* a = k.arg(sp.iface);
    const PortDecl* p = k.port(sp.iface);
    if ((!a || a->address_qualifier != ARG_GLOBAL) && (!p || p->port_type != "addressable" ||
                                                       p->mode == "slave")) {
      *err = in.link.source + ":" + std::to_string(sp.line) + ": sp names " + sp.iface +
             ", which is neither a buffer argument nor a master port of kernel " + k.name;
      return false;
    }
  }

  // Section payloads.
  std::vector<uint8_t> ip_sec(offsetof(ip_layout, m_ip_data) + sizeof(ip_data) * cus.size());
  put(&ip_sec, 0, static_cast<int32_t>(cus.size()));
  for (size_t i = 0; i < cus.size(); ++i) {
    ip_data d{};
    d.m_type = IP_KERNEL;
    d.properties = (control_code(cus[i].kernel->control_protocol) << IP_CONTROL_SHIFT) &
                   IP_CONTROL_MASK;
    if (cus[i].kernel->interrupt)
      d.properties |= IP_INT_ENABLE_MASK | ((i << IP_INTERRUPT_ID_SHIFT) & IP_INTERRUPT_ID_MASK);
    d.m_base_address = cus[i].base;
    put_cstr(d.m_name, sizeof d.m_name, cus[i].kernel->name + ":" + cus[i].name);
    put(&ip_sec, offsetof(ip_layout, m_ip_data) + i * sizeof(ip_data), d);
  }

  std::vector<uint8_t> mem_sec(offsetof(mem_topology, m_mem_data) + sizeof(mem_data) * mems.size());
  put(&mem_sec, 0, static_cast<int32_t>(mems.size()));
  for (size_t i = 0; i < mems.size(); ++i) {
    mem_data d{};
    d.m_type = mems[i].type;
    d.m_used = 1;
    if (mems[i].type == MEM_STREAMING_CONNECTION) {
      d.route_id = 0;
      d.flow_id = 0;
    } else {
      d.m_size = mems[i].bank.size / 1024;  // KiB
      d.m_base_address = mems[i].bank.base;
    }
    if (mems[i].tag.size() >= sizeof d.m_tag) {
      *err = "memory tag " + mems[i].tag + " is longer than xclbin.h's 15 characters";
      return false;
    }
    put_cstr(d.m_tag, sizeof d.m_tag, mems[i].tag);
    put(&mem_sec, offsetof(mem_topology, m_mem_data) + i * sizeof(mem_data), d);
  }

  std::vector<uint8_t> conn_sec(offsetof(connectivity, m_connection) +
                                sizeof(connection) * conns.size());
  put(&conn_sec, 0, static_cast<int32_t>(conns.size()));
  for (size_t i = 0; i < conns.size(); ++i) {
    connection c{conns[i].arg, conns[i].ip, conns[i].mem};
    put(&conn_sec, offsetof(connectivity, m_connection) + i * sizeof(connection), c);
  }

  std::string meta = embedded_metadata(in);
  std::vector<uint8_t> meta_sec(meta.begin(), meta.end());

  struct Section {
    axlf_section_kind kind;
    const char* name;
    const std::vector<uint8_t>* data;
  };
  const Section sections[] = {
      {MEM_TOPOLOGY, "MEM_TOPOLOGY", &mem_sec},
      {IP_LAYOUT, "IP_LAYOUT", &ip_sec},
      {CONNECTIVITY, "CONNECTIVITY", &conn_sec},
      {EMBEDDED_METADATA, "EMBEDDED_METADA", &meta_sec},
  };
  constexpr size_t n = sizeof sections / sizeof sections[0];

  auto align8 = [](size_t v) { return (v + 7) & ~size_t{7}; };
  const size_t header = sizeof(axlf) + (n - 1) * sizeof(axlf_section_header);
  size_t off = align8(header);
  std::vector<size_t> offs;
  for (const Section& s : sections) {
    offs.push_back(off);
    off = align8(off + s.data->size());
  }
  image->assign(off, 0);

  axlf top;
  std::memset(&top, 0, sizeof top);
  std::memcpy(top.m_magic, "xclbin2", 8);
  top.m_signature_length = -1;
  std::memset(top.reserved, 0xFF, sizeof top.reserved);
  std::memset(top.m_keyBlock, 0xFF, sizeof top.m_keyBlock);
  top.m_header.m_length = off;
  top.m_header.m_timeStamp = 0;  // reproducible output: same input, same bytes
  top.m_header.m_versionMajor = 2;
  top.m_header.m_versionMinor = 13;
  top.m_header.m_versionPatch = 0;
  top.m_header.m_mode = XCLBIN_FLAT;
  put_cstr(top.m_header.m_platformVBNV, sizeof top.m_header.m_platformVBNV, in.platform);
  top.m_header.m_numSections = static_cast<uint32_t>(n);
  std::memcpy(image->data(), &top, offsetof(axlf, m_sections));
  for (size_t i = 0; i < n; ++i) {
    axlf_section_header h;
    std::memset(&h, 0, sizeof h);
    h.m_sectionKind = sections[i].kind;
    put_cstr(reinterpret_cast<uint8_t*>(h.m_sectionName), sizeof h.m_sectionName,
             sections[i].name);
    h.m_sectionOffset = offs[i];
    h.m_sectionSize = sections[i].data->size();
    put(image, offsetof(axlf, m_sections) + i * sizeof h, h);
    std::memcpy(image->data() + offs[i], sections[i].data->data(), sections[i].data->size());
  }
  // The UUID names the content; computed over the image with a zero UUID.
  unsigned char id[16];
  content_uuid(*image, id);
  std::memcpy(image->data() + offsetof(axlf, m_header) + offsetof(axlf_header, uuid), id, 16);
  return true;
}

}  // namespace xclbin
}  // namespace sendoff

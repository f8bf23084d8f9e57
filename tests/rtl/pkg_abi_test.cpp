// SPDX-License-Identifier: MIT
// rtl/sendoff_pkg.sv against hls/include/sendoff/nic_abi.hpp: every mirrored constant, as
// Verilator elaborated it (public package parameters of the top model).
#include <gtest/gtest.h>

#include "Vsendoff_tx_top_sendoff_pkg.h"
#include "sendoff/nic_abi.hpp"

namespace {

namespace abi = sendoff::abi;
using Pkg = Vsendoff_tx_top_sendoff_pkg;

TEST(PkgAbi, DescriptorLayout) {
  EXPECT_EQ(Pkg::TxdBytes, abi::TXD_BYTES);
  EXPECT_EQ(Pkg::TxdAddrOff, abi::TXD_ADDR_OFF);
  EXPECT_EQ(Pkg::TxdLenOff, abi::TXD_LEN_OFF);
  EXPECT_EQ(Pkg::TxdFlowOff, abi::TXD_FLOW_OFF);
  EXPECT_EQ(Pkg::TxdFlagsOff, abi::TXD_FLAGS_OFF);
  EXPECT_EQ(Pkg::TxdSeqOff, abi::TXD_SEQ_OFF);
  EXPECT_EQ(Pkg::TxdIpidOff, abi::TXD_IPID_OFF);
  EXPECT_EQ(Pkg::TxdTtlOff, abi::TXD_TTL_OFF);
  EXPECT_EQ(Pkg::TxdTosOff, abi::TXD_TOS_OFF);
  EXPECT_EQ(Pkg::TxdMssOff, abi::TXD_MSS_OFF);
  EXPECT_EQ(Pkg::TxdRsvdOff, abi::TXD_RSVD_OFF);
  EXPECT_EQ(Pkg::TxdCookieOff, abi::TXD_COOKIE_OFF);
}

TEST(PkgAbi, DescriptorFlags) {
  EXPECT_EQ(Pkg::TxdFL4Mask, abi::TXD_F_L4_MASK);
  EXPECT_EQ(Pkg::TxdL4Raw, abi::TXD_L4_RAW);
  EXPECT_EQ(Pkg::TxdL4Udp, abi::TXD_L4_UDP);
  EXPECT_EQ(Pkg::TxdL4Tcp, abi::TXD_L4_TCP);
  EXPECT_EQ(Pkg::TxdL4Eth, abi::TXD_L4_ETH);
  EXPECT_EQ(Pkg::TxdFDf, abi::TXD_F_DF);
  EXPECT_EQ(Pkg::TxdFKnown, abi::TXD_F_KNOWN);
}

TEST(PkgAbi, FlowLayout) {
  EXPECT_EQ(Pkg::FlowBytes, abi::FLOW_BYTES);
  EXPECT_EQ(Pkg::FlowWords, abi::FLOW_WORDS);
  EXPECT_EQ(Pkg::FlowSaddrOff, abi::FLOW_SADDR_OFF);
  EXPECT_EQ(Pkg::FlowDaddrOff, abi::FLOW_DADDR_OFF);
  EXPECT_EQ(Pkg::FlowSportOff, abi::FLOW_SPORT_OFF);
  EXPECT_EQ(Pkg::FlowDportOff, abi::FLOW_DPORT_OFF);
  EXPECT_EQ(Pkg::FlowMtuOff, abi::FLOW_MTU_OFF);
  EXPECT_EQ(Pkg::FlowProtoOff, abi::FLOW_PROTO_OFF);
  EXPECT_EQ(Pkg::FlowFlagsOff, abi::FLOW_FLAGS_OFF);
  EXPECT_EQ(Pkg::FlowDmacOff, abi::FLOW_DMAC_OFF);
  EXPECT_EQ(Pkg::FlowSmacOff, abi::FLOW_SMAC_OFF);
  EXPECT_EQ(Pkg::FlowRsvdOff, abi::FLOW_RSVD_OFF);
  EXPECT_EQ(Pkg::FlowFValid, abi::FLOW_F_VALID);
  EXPECT_EQ(Pkg::FlowTableSize, abi::FLOW_TABLE_SIZE);
}

TEST(PkgAbi, RegisterMap) {
  EXPECT_EQ(Pkg::RegId, abi::REG_ID);
  EXPECT_EQ(Pkg::RegVersion, abi::REG_VERSION);
  EXPECT_EQ(Pkg::RegCtrl, abi::REG_CTRL);
  EXPECT_EQ(Pkg::RegStatus, abi::REG_STATUS);
  EXPECT_EQ(Pkg::RegRingBaseLo, abi::REG_RING_BASE_LO);
  EXPECT_EQ(Pkg::RegRingBaseHi, abi::REG_RING_BASE_HI);
  EXPECT_EQ(Pkg::RegRingSize, abi::REG_RING_SIZE);
  EXPECT_EQ(Pkg::RegRingHead, abi::REG_RING_HEAD);
  EXPECT_EQ(Pkg::RegRingTail, abi::REG_RING_TAIL);
  EXPECT_EQ(Pkg::RegFlowIndex, abi::REG_FLOW_INDEX);
  EXPECT_EQ(Pkg::RegFlowCommit, abi::REG_FLOW_COMMIT);
  EXPECT_EQ(Pkg::RegWbBaseLo, abi::REG_WB_BASE_LO);
  EXPECT_EQ(Pkg::RegWbBaseHi, abi::REG_WB_BASE_HI);
  EXPECT_EQ(Pkg::RegFlowData, abi::REG_FLOW_DATA);
  EXPECT_EQ(Pkg::RegStatFramesLo, abi::REG_STAT_FRAMES_LO);
  EXPECT_EQ(Pkg::RegStatFramesHi, abi::REG_STAT_FRAMES_HI);
  EXPECT_EQ(Pkg::RegStatBytesLo, abi::REG_STAT_BYTES_LO);
  EXPECT_EQ(Pkg::RegStatBytesHi, abi::REG_STAT_BYTES_HI);
  EXPECT_EQ(Pkg::RegStatDrops, abi::REG_STAT_DROPS);
  EXPECT_EQ(Pkg::RegStatDescErrors, abi::REG_STAT_DESC_ERRORS);
  EXPECT_EQ(Pkg::RegStatWbErrors, abi::REG_STAT_WB_ERRORS);
  EXPECT_EQ(Pkg::RegStatTxFlushed, abi::REG_STAT_TX_FLUSHED);
  EXPECT_EQ(Pkg::RegCaps, abi::REG_CAPS);
  EXPECT_EQ(Pkg::RegRxBufBaseLo, abi::REG_RX_BUF_BASE_LO);
  EXPECT_EQ(Pkg::RegRxBufBaseHi, abi::REG_RX_BUF_BASE_HI);
  EXPECT_EQ(Pkg::RegRxCplBaseLo, abi::REG_RX_CPL_BASE_LO);
  EXPECT_EQ(Pkg::RegRxCplBaseHi, abi::REG_RX_CPL_BASE_HI);
  EXPECT_EQ(Pkg::RegRxRingSize, abi::REG_RX_RING_SIZE);
  EXPECT_EQ(Pkg::RegRxBufSize, abi::REG_RX_BUF_SIZE);
  EXPECT_EQ(Pkg::RegRxHead, abi::REG_RX_HEAD);
  EXPECT_EQ(Pkg::RegRxTail, abi::REG_RX_TAIL);
  EXPECT_EQ(Pkg::RegStatRxFramesLo, abi::REG_STAT_RX_FRAMES_LO);
  EXPECT_EQ(Pkg::RegStatRxFramesHi, abi::REG_STAT_RX_FRAMES_HI);
  EXPECT_EQ(Pkg::RegStatRxBytesLo, abi::REG_STAT_RX_BYTES_LO);
  EXPECT_EQ(Pkg::RegStatRxBytesHi, abi::REG_STAT_RX_BYTES_HI);
  EXPECT_EQ(Pkg::RegStatRxDropFcs, abi::REG_STAT_RX_DROP_FCS);
  EXPECT_EQ(Pkg::RegStatRxDropNobuf, abi::REG_STAT_RX_DROP_NOBUF);
  EXPECT_EQ(Pkg::RegStatRxDropLen, abi::REG_STAT_RX_DROP_LEN);
  EXPECT_EQ(Pkg::RegSpaceBytes, abi::REG_SPACE_BYTES);
  EXPECT_EQ(Pkg::IdValue, abi::ID_VALUE);
  EXPECT_EQ(Pkg::VersionValue, abi::VERSION_VALUE);
  EXPECT_EQ(Pkg::CtrlEnable, abi::CTRL_ENABLE);
  EXPECT_EQ(Pkg::CtrlFcsAppend, abi::CTRL_FCS_APPEND);
  EXPECT_EQ(Pkg::StatusBusy, abi::STATUS_BUSY);
  EXPECT_EQ(Pkg::RingSizeMax, abi::RING_SIZE_MAX);
}

TEST(PkgAbi, WritebackBlock) {
  EXPECT_EQ(Pkg::WbBytes, abi::WB_BYTES);
  EXPECT_EQ(Pkg::WbTailOff, abi::WB_TAIL_OFF);
}

TEST(PkgAbi, Limits) {
  EXPECT_EQ(Pkg::MaxPayload, abi::MAX_PAYLOAD);
  EXPECT_EQ(Pkg::MinMtu, abi::MIN_MTU);
  EXPECT_EQ(Pkg::MaxMtu, abi::MAX_MTU);
  EXPECT_EQ(Pkg::EthHlen, abi::ETH_HLEN);
  EXPECT_EQ(Pkg::EthZlen, abi::ETH_ZLEN);
  EXPECT_EQ(Pkg::EthFcsLen, abi::ETH_FCS_LEN);
  EXPECT_EQ(Pkg::EthPIp, abi::ETH_P_IP);
  EXPECT_EQ(Pkg::IpprotoUdp, abi::IPPROTO_UDP_NUM);
  EXPECT_EQ(Pkg::IpprotoTcp, abi::IPPROTO_TCP_NUM);
}

TEST(PkgAbi, ReceiveRing) {
  EXPECT_EQ(Pkg::CtrlRxEnable, abi::CTRL_RX_ENABLE);
  EXPECT_EQ(Pkg::CtrlReset, abi::CTRL_RESET);
  EXPECT_EQ(Pkg::CapsRx, abi::CAPS_RX);
  EXPECT_EQ(Pkg::CapsTso, abi::CAPS_TSO);
  EXPECT_EQ(Pkg::CapsTxUnaligned, abi::CAPS_TX_UNALIGNED);
  EXPECT_EQ(Pkg::WbRxTailOff, abi::WB_RX_TAIL_OFF);
  EXPECT_EQ(Pkg::RxRingSizeMax, abi::RX_RING_SIZE_MAX);
  EXPECT_EQ(Pkg::RxBufSizeMin, abi::RX_BUF_SIZE_MIN);
  EXPECT_EQ(Pkg::RxBufSizeMax, abi::RX_BUF_SIZE_MAX);
  EXPECT_EQ(Pkg::RxcBytes, abi::RXC_BYTES);
  EXPECT_EQ(Pkg::RxcPerLine, abi::RXC_PER_LINE);
  EXPECT_EQ(Pkg::RxcLenOff, abi::RXC_LEN_OFF);
  EXPECT_EQ(Pkg::RxcL3Off, abi::RXC_L3_OFF);
  EXPECT_EQ(Pkg::RxcL4Off, abi::RXC_L4_OFF);
  EXPECT_EQ(Pkg::RxcFlagsOff, abi::RXC_FLAGS_OFF);
  EXPECT_EQ(Pkg::RxcRsvdOff, abi::RXC_RSVD_OFF);
  EXPECT_EQ(Pkg::RxcIndexOff, abi::RXC_INDEX_OFF);
  EXPECT_EQ(Pkg::RxcHashOff, abi::RXC_HASH_OFF);
  EXPECT_EQ(Pkg::RxcFIpCsumOk, abi::RXC_F_IP_CSUM_OK);
  EXPECT_EQ(Pkg::RxcFIpCsumBad, abi::RXC_F_IP_CSUM_BAD);
  EXPECT_EQ(Pkg::RxcFL4CsumOk, abi::RXC_F_L4_CSUM_OK);
  EXPECT_EQ(Pkg::RxcFL4CsumBad, abi::RXC_F_L4_CSUM_BAD);
  EXPECT_EQ(Pkg::RxcFGen, abi::RXC_F_GEN);
  EXPECT_EQ(Pkg::RxcL3Other, abi::RXC_L3_OTHER);
  EXPECT_EQ(Pkg::RxcL3Ipv4, abi::RXC_L3_IPV4);
  EXPECT_EQ(Pkg::RxcL3Arp, abi::RXC_L3_ARP);
  EXPECT_EQ(Pkg::RxcL3Ipv6, abi::RXC_L3_IPV6);
  EXPECT_EQ(Pkg::RxcL4None, abi::RXC_L4_NONE);
  EXPECT_EQ(Pkg::RxcL4Udp, abi::RXC_L4_UDP);
  EXPECT_EQ(Pkg::RxcL4Tcp, abi::RXC_L4_TCP);
  EXPECT_EQ(Pkg::RxcL4Icmp, abi::RXC_L4_ICMP);
  EXPECT_EQ(Pkg::RxcL4Frag, abi::RXC_L4_FRAG);
  EXPECT_EQ(Pkg::RxcL4Other, abi::RXC_L4_OTHER);
  EXPECT_EQ(Pkg::EthFrameMax, abi::ETH_FRAME_MAX);
  // The receive path is built (rx_parse, rx_dma): REG_CAPS says so.
  EXPECT_EQ(Pkg::CapsValue & abi::CAPS_RX, abi::CAPS_RX);
  // TSO is built (tcp_tx behind tx_merge): a TCP descriptor is two slots.
  EXPECT_EQ(Pkg::CapsValue & abi::CAPS_TSO, abi::CAPS_TSO);
  EXPECT_EQ(Pkg::TxdTcpAckOff, abi::TXD_TCP_ACK_OFF);
  EXPECT_EQ(Pkg::TxdTcpWindowOff, abi::TXD_TCP_WINDOW_OFF);
  EXPECT_EQ(Pkg::TxdTcpFlagsOff, abi::TXD_TCP_FLAGS_OFF);
  EXPECT_EQ(Pkg::TxdTcpOptlenOff, abi::TXD_TCP_OPTLEN_OFF);
  EXPECT_EQ(Pkg::TxdTcpOptsOff, abi::TXD_TCP_OPTS_OFF);
  EXPECT_EQ(Pkg::TxdTcpOptMax, abi::TXD_TCP_OPT_MAX);
  EXPECT_EQ(Pkg::TsoMssMin, abi::TSO_MSS_MIN);
}


}  // namespace

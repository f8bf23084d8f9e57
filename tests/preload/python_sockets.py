# SPDX-License-Identifier: MIT
# python3's socket module on a UDP socket, run plainly and under the preload
# library. "opts": prints SO_RCVBUF, SO_KEEPALIVE and SO_SNDTIMEO as read back
# (both runs must print the same). "send": connects to 198.18.0.2:9000 and
# writes through a dup of the socket with os.write and os.writev; each must
# return its byte count (the test finds the datagrams in sendoff's pcap).
import os
import socket
import struct
import sys

mode = sys.argv[1]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
if mode == "opts":
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, struct.pack("ll", 2, 500000))
    print("SO_RCVBUF", s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))
    print("SO_KEEPALIVE", s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE))
    print("SO_SNDTIMEO", struct.unpack("ll", s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, 16)))
elif mode == "send":
    s.connect(("198.18.0.2", 9000))
    d = os.dup(s.fileno())
    assert os.write(d, b"python write") == 12
    assert os.writev(d, [b"python ", b"writev"]) == 13
    os.close(d)
    assert s.send(b"python send") == 11
s.close()

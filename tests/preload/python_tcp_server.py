# SPDX-License-Identifier: MIT
# python3's socket module as a TCP server (run under the preload library by
# preload_test.cpp): usage python_tcp_server.py ADDR PORT. bind, listen, then
# accept with a timeout (poll on the listener, then accept4), recv to EOF,
# and prints the peer's address, the byte count and the SHA-256 of what came.
import hashlib
import socket
import sys

addr, port = sys.argv[1], int(sys.argv[2])
ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((addr, port))
ls.listen(1)
assert ls.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN) == 1
print("listening", flush=True)
ls.settimeout(60)
c, peer = ls.accept()
c.settimeout(60)
h = hashlib.sha256()
n = 0
while True:
    chunk = c.recv(65536)
    if not chunk:
        break
    h.update(chunk)
    n += len(chunk)
c.close()
ls.close()
print("peer", peer[0])
print("bytes", n)
print("sha256", h.hexdigest())

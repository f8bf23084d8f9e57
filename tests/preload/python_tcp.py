# SPDX-License-Identifier: MIT
# python3's socket module on a TCP socket (run under the preload library by
# preload_test.cpp): usage python_tcp.py FILE ADDR PORT [exit]. create_connection
# with a timeout (a nonblocking connect that python awaits with poll), the
# first half of the file with sendall, the rest with socket.sendfile
# (os.sendfile, awaited with poll), shutdown(SHUT_WR), then the server's reply
# read to EOF. Prints the socket's own address, the file's SHA-256 and the
# reply; exits 1 unless the reply names the same digest. With "exit": exits
# as soon as the file is sent, without closing its socket (the exit does).
import hashlib
import socket
import sys

path, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(path, "rb") as f:
    data = f.read()
half = len(data) // 2
s = socket.create_connection((addr, port), timeout=60)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
assert s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
assert s.getpeername() == (addr, port)
print("local", s.getsockname()[0])
s.sendall(data[:half])
with open(path, "rb") as f:
    assert s.sendfile(f, offset=half) == len(data) - half
if sys.argv[4:] == ["exit"]:
    sys.exit(0)
s.shutdown(socket.SHUT_WR)
reply = b""
while True:
    chunk = s.recv(4096)
    if not chunk:
        break
    reply += chunk
s.close()
digest = hashlib.sha256(data).hexdigest()
print("sha256", digest)
print("reply", reply.decode().strip())
sys.exit(0 if digest in reply.decode() else 1)

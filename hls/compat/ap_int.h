// SPDX-License-Identifier: MIT
// sendoff's own C-simulation stand-in for Vitis HLS's <ap_int.h>.
//
// ap_uint<W> / ap_int<W>, 1 <= W <= AP_INT_MAX_W (1024 unless defined), with
// the semantics Vitis HLS documents for arbitrary-precision integers:
//  - values are two's complement modulo 2^W; assignment truncates or extends
//    (sign-extends when the source is signed);
//  - + and - widen by one bit beyond the wider operand (a signed/unsigned mix
//    first gives the unsigned side one more bit), - is always signed, * gives
//    W1+W2 bits, & | ^ give the wider width; C integers act as ap_int_base of
//    their own width and signedness;
//  - << and >> keep the left operand's width (bits shifted out are lost), >>
//    of a signed value is arithmetic, a negative signed amount shifts the
//    other way;
//  - comparisons compare values, whatever the widths and signedness;
//  - x(hi, lo) and x.range(hi, lo) select bits hi..lo (reversed when hi < lo)
//    for reading and writing; x[i] selects one bit.
// Storage is an array of 64-bit words; bits at and above W are kept zero.
// This header is only for C simulation: synthesis uses Vitis HLS's own.
#ifndef SENDOFF_COMPAT_AP_INT_H
#define SENDOFF_COMPAT_AP_INT_H

#ifdef __SYNTHESIS__
#error "hls/compat/ap_int.h is for C simulation only; synthesize with Vitis HLS's headers"
#endif

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <type_traits>

#ifndef AP_INT_MAX_W
#define AP_INT_MAX_W 1024
#endif

template <int W, bool S>
class ap_int_base;
template <int W, bool S>
class ap_range_ref;
template <int W, bool S>
class ap_bit_ref;
template <int W>
class ap_uint;
template <int W>
class ap_int;

namespace ap_compat {

// Internal results (sums and products of maximal operands) may exceed the
// user-visible limit.
constexpr int kMaxInternalWidth = 4 * AP_INT_MAX_W;

constexpr int max_of(int a, int b) { return a > b ? a : b; }
constexpr int words_for(int w) { return (w + 63) / 64; }

[[noreturn]] inline void fail_index(const char* what, int hi, int lo, int width) {
  std::fprintf(stderr, "ap_int: %s (%d, %d) outside a %d-bit value\n", what, hi, lo, width);
  std::abort();
}

// Result types of binary operators.
template <int W1, bool S1, int W2, bool S2>
struct rtype {
  static constexpr int logic_w = max_of(W1 + (S2 && !S1), W2 + (S1 && !S2));
  static constexpr bool logic_s = S1 || S2;
  using logic = ap_int_base<logic_w, logic_s>;
  using plus = ap_int_base<logic_w + 1, logic_s>;
  using minus = ap_int_base<logic_w + 1, true>;
  using mult = ap_int_base<W1 + W2, logic_s>;
};

// What may appear as an operand: ap values, part and bit selects, C integers
// and enumerations. `value` gives the operand as an ap_int_base.
template <class T, class = void>
struct operand {
  static constexpr bool ok = false;
  static constexpr bool is_ap = false;
};

template <int W, bool S>
struct operand<ap_int_base<W, S>> {
  static constexpr bool ok = true;
  static constexpr bool is_ap = true;
  using type = ap_int_base<W, S>;
  static const type& value(const type& v) { return v; }
};
template <int W>
struct operand<ap_uint<W>> : operand<ap_int_base<W, false>> {};
template <int W>
struct operand<ap_int<W>> : operand<ap_int_base<W, true>> {};

template <int W, bool S>
struct operand<ap_range_ref<W, S>> {
  static constexpr bool ok = true;
  static constexpr bool is_ap = true;
  using type = ap_int_base<W, false>;
  template <class R = type>  // deferred: type may still be incomplete here
  static R value(const ap_range_ref<W, S>& r) {
    return r.get();
  }
};

template <int W, bool S>
struct operand<ap_bit_ref<W, S>> {
  static constexpr bool ok = true;
  static constexpr bool is_ap = true;
  using type = ap_int_base<1, false>;
  template <class R = type>
  static R value(const ap_bit_ref<W, S>& b) {
    return R(b.get() ? 1u : 0u);
  }
};

template <class T>
struct operand<T, typename std::enable_if<std::is_integral<T>::value>::type> {
  static constexpr bool ok = true;
  static constexpr bool is_ap = false;
  using type = ap_int_base<std::is_same<T, bool>::value ? 1 : 8 * static_cast<int>(sizeof(T)),
                           std::is_signed<T>::value>;
  template <class R = type>
  static R value(T v) {
    return R(v);
  }
};

template <class T>
struct operand<T, typename std::enable_if<std::is_enum<T>::value>::type>
    : operand<typename std::underlying_type<T>::type> {
  using base = operand<typename std::underlying_type<T>::type>;
  template <class R = typename base::type>
  static R value(T v) {
    return R(static_cast<typename std::underlying_type<T>::type>(v));
  }
};

template <class A, class B>
struct binop_ok {
  static constexpr bool value =
      operand<A>::ok && operand<B>::ok && (operand<A>::is_ap || operand<B>::is_ap);
};

template <class A, class B>
struct binop {
  using ta = typename operand<A>::type;
  using tb = typename operand<B>::type;
  using r = rtype<ta::width, ta::is_signed, tb::width, tb::is_signed>;
};

}  // namespace ap_compat

template <int W, bool S>
class ap_int_base {
  static_assert(W >= 1 && W <= ap_compat::kMaxInternalWidth, "ap_int width out of range");

 public:
  static constexpr int width = W;
  static constexpr bool is_signed = S;
  static constexpr int kWords = ap_compat::words_for(W);
  // Bits used in the top word, 1..64.
  static constexpr int kTopBits = W - 64 * (kWords - 1);

  // Storage, least significant word first. Internal: use the members below.
  uint64_t w_[kWords];

  ap_int_base() : w_{} {}
  ap_int_base(const ap_int_base&) = default;

  template <int W2, bool S2>
  ap_int_base(const ap_int_base<W2, S2>& o) {
    for (int i = 0; i < kWords; ++i) w_[i] = o.word(i);
    trim();
  }

  template <class I, typename std::enable_if<std::is_integral<I>::value ||
                                                 std::is_enum<I>::value,
                                             int>::type = 0>
  ap_int_base(I v) {
    set_int(v);
  }

  template <int W2, bool S2>
  ap_int_base(const ap_range_ref<W2, S2>& r) : ap_int_base(r.get()) {}

  template <int W2, bool S2>
  ap_int_base(const ap_bit_ref<W2, S2>& b) : ap_int_base(b.get() ? 1u : 0u) {}

  ap_int_base& operator=(const ap_int_base&) = default;

  template <class T, typename std::enable_if<ap_compat::operand<T>::ok, int>::type = 0>
  ap_int_base& operator=(const T& v) {
    *this = ap_int_base(v);
    return *this;
  }

  // Word i of the value extended to any width (sign or zero fill).
  uint64_t word(int i) const {
    const bool neg = negative();
    if (i >= kWords) return neg ? ~0ull : 0ull;
    if (i < kWords - 1 || kTopBits == 64 || !neg) return w_[i];
    return w_[i] | (~0ull << (kTopBits % 64));
  }

  bool negative() const {
    return S && ((w_[kWords - 1] >> ((W - 1) % 64)) & 1u) != 0;
  }

  // ---------------------------------------------------------------- reads
  using c_type = typename std::conditional<S, long long, unsigned long long>::type;
  operator c_type() const { return static_cast<c_type>(word(0)); }

  bool iszero() const {
    for (int i = 0; i < kWords; ++i)
      if (w_[i] != 0) return false;
    return true;
  }
  bool to_bool() const { return !iszero(); }
  unsigned long long to_uint64() const { return word(0); }
  long long to_int64() const { return static_cast<long long>(word(0)); }
  unsigned to_uint() const { return static_cast<unsigned>(word(0)); }
  int to_int() const { return static_cast<int>(word(0)); }
  unsigned long to_ulong() const { return static_cast<unsigned long>(word(0)); }
  long to_long() const { return static_cast<long>(word(0)); }
  static constexpr int length() { return W; }

  // ---------------------------------------------------------------- bits
  bool get_bit(int i) const {
    check_bit(i);
    return ((w_[i / 64] >> (i % 64)) & 1u) != 0;
  }
  void set_bit(int i, bool b) {
    check_bit(i);
    const uint64_t m = 1ull << (i % 64);
    w_[i / 64] = b ? (w_[i / 64] | m) : (w_[i / 64] & ~m);
  }
  ap_bit_ref<W, S> operator[](int i) { return ap_bit_ref<W, S>(this, i); }
  bool operator[](int i) const { return get_bit(i); }
  ap_bit_ref<W, S> bit(int i) { return ap_bit_ref<W, S>(this, i); }
  bool bit(int i) const { return get_bit(i); }

  ap_range_ref<W, S> range(int hi, int lo) { return ap_range_ref<W, S>(this, hi, lo); }
  ap_range_ref<W, S> range(int hi, int lo) const {
    return ap_range_ref<W, S>(const_cast<ap_int_base*>(this), hi, lo);
  }
  ap_range_ref<W, S> range() { return range(W - 1, 0); }
  ap_range_ref<W, S> range() const { return range(W - 1, 0); }
  ap_range_ref<W, S> operator()(int hi, int lo) { return range(hi, lo); }
  ap_range_ref<W, S> operator()(int hi, int lo) const { return range(hi, lo); }

  // ---------------------------------------------------------------- shifts
  ap_int_base shl(unsigned long long n) const {
    ap_int_base r;
    if (n >= static_cast<unsigned long long>(W)) return r;
    const int ws = static_cast<int>(n / 64), bs = static_cast<int>(n % 64);
    for (int i = kWords - 1; i >= ws; --i) {
      uint64_t v = w_[i - ws] << bs;
      if (bs != 0 && i - ws - 1 >= 0) v |= w_[i - ws - 1] >> (64 - bs);
      r.w_[i] = v;
    }
    r.trim();
    return r;
  }
  ap_int_base shr(unsigned long long n) const {
    ap_int_base r;
    const unsigned long long limit = static_cast<unsigned long long>(kWords) * 64;
    const int ws = static_cast<int>(n >= limit ? limit / 64 : n / 64);
    const int bs = n >= limit ? 0 : static_cast<int>(n % 64);
    for (int i = 0; i < kWords; ++i) {
      uint64_t v = word(i + ws) >> bs;
      if (bs != 0) v |= word(i + ws + 1) << (64 - bs);
      r.w_[i] = v;
    }
    r.trim();
    return r;
  }

  // ---------------------------------------------------------------- unary
  ap_int_base operator~() const {
    ap_int_base r;
    for (int i = 0; i < kWords; ++i) r.w_[i] = ~w_[i];
    r.trim();
    return r;
  }
  ap_int_base<W + 1, true> operator-() const;
  ap_int_base operator+() const { return *this; }
  bool operator!() const { return iszero(); }

  ap_int_base& operator++() { return *this = *this + 1; }
  ap_int_base& operator--() { return *this = *this - 1; }
  ap_int_base operator++(int) {
    ap_int_base old = *this;
    ++*this;
    return old;
  }
  ap_int_base operator--(int) {
    ap_int_base old = *this;
    --*this;
    return old;
  }

  // ---------------------------------------------------------------- compound
  template <class T>
  ap_int_base& operator+=(const T& v) { return *this = *this + v; }
  template <class T>
  ap_int_base& operator-=(const T& v) { return *this = *this - v; }
  template <class T>
  ap_int_base& operator*=(const T& v) { return *this = *this * v; }
  template <class T>
  ap_int_base& operator&=(const T& v) { return *this = *this & v; }
  template <class T>
  ap_int_base& operator|=(const T& v) { return *this = *this | v; }
  template <class T>
  ap_int_base& operator^=(const T& v) { return *this = *this ^ v; }
  template <class T>
  ap_int_base& operator<<=(const T& v) { return *this = *this << v; }
  template <class T>
  ap_int_base& operator>>=(const T& v) { return *this = *this >> v; }

  void trim() {
    if (kTopBits < 64) w_[kWords - 1] &= (1ull << (kTopBits % 64)) - 1;
  }

 private:
  template <class I>
  void set_int(I v) {
    using U = typename std::conditional<std::is_enum<I>::value, std::underlying_type<I>,
                                        std::common_type<I>>::type::type;
    const U u = static_cast<U>(v);
    bool neg = false;
    if constexpr (std::is_signed<U>::value) neg = u < 0;
    const uint64_t lo = neg ? static_cast<uint64_t>(static_cast<int64_t>(u))
                            : static_cast<uint64_t>(u);
    w_[0] = lo;
    for (int i = 1; i < kWords; ++i) w_[i] = neg ? ~0ull : 0ull;
    trim();
  }
  static void check_bit(int i) {
    if (i < 0 || i >= W) ap_compat::fail_index("bit", i, i, W);
  }
};

namespace ap_compat {

template <class R, int W1, bool S1, int W2, bool S2>
R add(const ap_int_base<W1, S1>& a, const ap_int_base<W2, S2>& b) {
  R r;
  uint64_t carry = 0;
  for (int i = 0; i < R::kWords; ++i) {
    const uint64_t x = a.word(i), y = b.word(i);
    const uint64_t s = x + y;
    const uint64_t t = s + carry;
    carry = (s < x || t < s) ? 1u : 0u;
    r.w_[i] = t;
  }
  r.trim();
  return r;
}

template <class R, int W1, bool S1, int W2, bool S2>
R sub(const ap_int_base<W1, S1>& a, const ap_int_base<W2, S2>& b) {
  R r;
  uint64_t borrow = 0;
  for (int i = 0; i < R::kWords; ++i) {
    const uint64_t x = a.word(i), y = b.word(i);
    const uint64_t d = x - y;
    const uint64_t t = d - borrow;
    borrow = (x < y || d < borrow) ? 1u : 0u;
    r.w_[i] = t;
  }
  r.trim();
  return r;
}

template <class R, int W1, bool S1, int W2, bool S2>
R mul(const ap_int_base<W1, S1>& a, const ap_int_base<W2, S2>& b) {
  // Product of the sign-extended operands modulo 2^(64 * words): exact in
  // two's complement once trimmed to the result width.
  R r;
  for (int i = 0; i < R::kWords; ++i) {
    unsigned __int128 carry = 0;
    const uint64_t x = a.word(i);
    for (int j = 0; i + j < R::kWords; ++j) {
      const unsigned __int128 t =
          static_cast<unsigned __int128>(x) * b.word(j) + r.w_[i + j] + carry;
      r.w_[i + j] = static_cast<uint64_t>(t);
      carry = t >> 64;
    }
  }
  r.trim();
  return r;
}

enum class logic_op { and_, or_, xor_ };

template <class R, logic_op OP, int W1, bool S1, int W2, bool S2>
R logic(const ap_int_base<W1, S1>& a, const ap_int_base<W2, S2>& b) {
  R r;
  for (int i = 0; i < R::kWords; ++i) {
    const uint64_t x = a.word(i), y = b.word(i);
    r.w_[i] = OP == logic_op::and_ ? (x & y) : OP == logic_op::or_ ? (x | y) : (x ^ y);
  }
  r.trim();
  return r;
}

// -1, 0 or 1 as a < b, a == b, a > b, by value.
template <int W1, bool S1, int W2, bool S2>
int compare(const ap_int_base<W1, S1>& a, const ap_int_base<W2, S2>& b) {
  constexpr int cw = max_of(W1 + (S1 ? 0 : 1), W2 + (S2 ? 0 : 1));
  constexpr int n = words_for(cw);
  const int64_t ta = static_cast<int64_t>(a.word(n - 1));
  const int64_t tb = static_cast<int64_t>(b.word(n - 1));
  if (ta != tb) return ta < tb ? -1 : 1;
  for (int i = n - 2; i >= 0; --i) {
    const uint64_t x = a.word(i), y = b.word(i);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

}  // namespace ap_compat

template <int W, bool S>
ap_int_base<W + 1, true> ap_int_base<W, S>::operator-() const {
  return ap_compat::sub<ap_int_base<W + 1, true>>(ap_int_base<1, false>(0u), *this);
}

// ---------------------------------------------------------------- binary operators
#define SENDOFF_AP_ARITH(OP, KIND, FN)                                                   \
  template <class A, class B,                                                            \
            typename std::enable_if<ap_compat::binop_ok<A, B>::value, int>::type = 0>    \
  typename ap_compat::binop<A, B>::r::KIND operator OP(const A& a, const B& b) {         \
    return ap_compat::FN<typename ap_compat::binop<A, B>::r::KIND>(                      \
        ap_compat::operand<A>::value(a), ap_compat::operand<B>::value(b));               \
  }
SENDOFF_AP_ARITH(+, plus, add)
SENDOFF_AP_ARITH(-, minus, sub)
SENDOFF_AP_ARITH(*, mult, mul)
#undef SENDOFF_AP_ARITH

#define SENDOFF_AP_LOGIC(OP, WHICH)                                                      \
  template <class A, class B,                                                            \
            typename std::enable_if<ap_compat::binop_ok<A, B>::value, int>::type = 0>    \
  typename ap_compat::binop<A, B>::r::logic operator OP(const A& a, const B& b) {        \
    return ap_compat::logic<typename ap_compat::binop<A, B>::r::logic,                   \
                            ap_compat::logic_op::WHICH>(ap_compat::operand<A>::value(a), \
                                                        ap_compat::operand<B>::value(b)); \
  }
SENDOFF_AP_LOGIC(&, and_)
SENDOFF_AP_LOGIC(|, or_)
SENDOFF_AP_LOGIC(^, xor_)
#undef SENDOFF_AP_LOGIC

#define SENDOFF_AP_REL(OP)                                                               \
  template <class A, class B,                                                            \
            typename std::enable_if<ap_compat::binop_ok<A, B>::value, int>::type = 0>    \
  bool operator OP(const A& a, const B& b) {                                             \
    return ap_compat::compare(ap_compat::operand<A>::value(a),                           \
                              ap_compat::operand<B>::value(b)) OP 0;                     \
  }
SENDOFF_AP_REL(==)
SENDOFF_AP_REL(!=)
SENDOFF_AP_REL(<)
SENDOFF_AP_REL(<=)
SENDOFF_AP_REL(>)
SENDOFF_AP_REL(>=)
#undef SENDOFF_AP_REL

// Shifts keep the left operand's width. A C-integer left operand is not
// overloaded: it converts to its C type, as with Vitis HLS.
namespace ap_compat {
template <class B>
bool amount_negative(const B& b) {
  const auto v = operand<B>::value(b);
  return v.negative();
}
template <class B>
unsigned long long amount_abs(const B& b) {
  const auto v = operand<B>::value(b);
  if (!v.negative()) {
    for (int i = 1; i < std::decay<decltype(v)>::type::kWords; ++i)
      if (v.w_[i] != 0) return ~0ull;
    return v.word(0);
  }
  const auto m = -v;
  for (int i = 1; i < std::decay<decltype(m)>::type::kWords; ++i)
    if (m.w_[i] != 0) return ~0ull;
  return m.word(0);
}
}  // namespace ap_compat

template <class A, class B,
          typename std::enable_if<ap_compat::operand<A>::is_ap && ap_compat::operand<B>::ok,
                                  int>::type = 0>
typename ap_compat::operand<A>::type operator<<(const A& a, const B& b) {
  const typename ap_compat::operand<A>::type v = ap_compat::operand<A>::value(a);
  const unsigned long long n = ap_compat::amount_abs(b);
  return ap_compat::amount_negative(b) ? v.shr(n) : v.shl(n);
}

template <class A, class B,
          typename std::enable_if<ap_compat::operand<A>::is_ap && ap_compat::operand<B>::ok,
                                  int>::type = 0>
typename ap_compat::operand<A>::type operator>>(const A& a, const B& b) {
  const typename ap_compat::operand<A>::type v = ap_compat::operand<A>::value(a);
  const unsigned long long n = ap_compat::amount_abs(b);
  return ap_compat::amount_negative(b) ? v.shl(n) : v.shr(n);
}

// ---------------------------------------------------------------- part select
template <int W, bool S>
class ap_range_ref {
 public:
  ap_range_ref(ap_int_base<W, S>* p, int hi, int lo) : p_(p), hi_(hi), lo_(lo) {
    if (hi < 0 || lo < 0 || hi >= W || lo >= W) ap_compat::fail_index("range", hi, lo, W);
  }
  ap_range_ref(const ap_range_ref&) = default;

  int length() const { return (hi_ >= lo_ ? hi_ - lo_ : lo_ - hi_) + 1; }

  ap_int_base<W, false> get() const {
    const ap_int_base<W, false> bits(*p_);
    if (hi_ >= lo_) return bits.shr(static_cast<unsigned>(lo_)) & ones();
    ap_int_base<W, false> r;
    for (int k = 0; k <= lo_ - hi_; ++k) r.set_bit(k, bits.get_bit(lo_ - k));
    return r;
  }

  operator unsigned long long() const { return get().to_uint64(); }
  unsigned long long to_uint64() const { return get().to_uint64(); }
  long long to_int64() const { return get().to_int64(); }
  unsigned to_uint() const { return get().to_uint(); }
  int to_int() const { return get().to_int(); }
  unsigned long to_ulong() const { return get().to_ulong(); }
  long to_long() const { return get().to_long(); }
  bool iszero() const { return get().iszero(); }

  ap_range_ref& operator=(const ap_range_ref& r) {
    set(r.get());
    return *this;
  }
  template <class T, typename std::enable_if<ap_compat::operand<T>::ok, int>::type = 0>
  ap_range_ref& operator=(const T& v) {
    set(ap_int_base<W, false>(ap_compat::operand<T>::value(v)));
    return *this;
  }

  template <class T>
  ap_range_ref& operator|=(const T& v) { return *this = get() | v; }
  template <class T>
  ap_range_ref& operator&=(const T& v) { return *this = get() & v; }
  template <class T>
  ap_range_ref& operator^=(const T& v) { return *this = get() ^ v; }
  template <class T>
  ap_range_ref& operator+=(const T& v) { return *this = get() + v; }
  template <class T>
  ap_range_ref& operator-=(const T& v) { return *this = get() - v; }

 private:
  ap_int_base<W, false> ones() const {
    return (~ap_int_base<W, false>(0u)).shr(static_cast<unsigned>(W - length()));
  }
  void set(const ap_int_base<W, false>& v) {
    ap_int_base<W, false> bits(*p_);
    if (hi_ >= lo_) {
      const ap_int_base<W, false> m = ones().shl(static_cast<unsigned>(lo_));
      bits = (bits & ~m) | ((v & ones()).shl(static_cast<unsigned>(lo_)));
    } else {
      for (int k = 0; k <= lo_ - hi_; ++k) bits.set_bit(lo_ - k, v.get_bit(k));
    }
    for (int i = 0; i < ap_int_base<W, S>::kWords; ++i) p_->w_[i] = bits.w_[i];
  }

  ap_int_base<W, S>* p_;
  int hi_, lo_;
};

// ---------------------------------------------------------------- bit select
template <int W, bool S>
class ap_bit_ref {
 public:
  ap_bit_ref(ap_int_base<W, S>* p, int i) : p_(p), i_(i) {
    if (i < 0 || i >= W) ap_compat::fail_index("bit", i, i, W);
  }
  ap_bit_ref(const ap_bit_ref&) = default;

  bool get() const { return p_->get_bit(i_); }
  operator bool() const { return get(); }
  bool to_bool() const { return get(); }
  bool operator~() const { return !get(); }
  int length() const { return 1; }

  ap_bit_ref& operator=(const ap_bit_ref& b) {
    p_->set_bit(i_, b.get());
    return *this;
  }
  // Any non-zero value sets the bit.
  template <class T, typename std::enable_if<ap_compat::operand<T>::ok, int>::type = 0>
  ap_bit_ref& operator=(const T& v) {
    p_->set_bit(i_, !ap_compat::operand<T>::value(v).iszero());
    return *this;
  }

 private:
  ap_int_base<W, S>* p_;
  int i_;
};

// ---------------------------------------------------------------- user types
template <int W>
class ap_uint : public ap_int_base<W, false> {
  static_assert(W >= 1 && W <= AP_INT_MAX_W, "ap_uint width must be 1..AP_INT_MAX_W");

 public:
  using Base = ap_int_base<W, false>;
  ap_uint() = default;
  ap_uint(const ap_uint&) = default;
  template <class T, typename std::enable_if<ap_compat::operand<T>::ok, int>::type = 0>
  ap_uint(const T& v) : Base(v) {}
  ap_uint& operator=(const ap_uint&) = default;
  template <class T, typename std::enable_if<ap_compat::operand<T>::ok, int>::type = 0>
  ap_uint& operator=(const T& v) {
    Base::operator=(v);
    return *this;
  }
};

template <int W>
class ap_int : public ap_int_base<W, true> {
  static_assert(W >= 1 && W <= AP_INT_MAX_W, "ap_int width must be 1..AP_INT_MAX_W");

 public:
  using Base = ap_int_base<W, true>;
  ap_int() = default;
  ap_int(const ap_int&) = default;
  template <class T, typename std::enable_if<ap_compat::operand<T>::ok, int>::type = 0>
  ap_int(const T& v) : Base(v) {}
  ap_int& operator=(const ap_int&) = default;
  template <class T, typename std::enable_if<ap_compat::operand<T>::ok, int>::type = 0>
  ap_int& operator=(const T& v) {
    Base::operator=(v);
    return *this;
  }
};

#endif  // SENDOFF_COMPAT_AP_INT_H

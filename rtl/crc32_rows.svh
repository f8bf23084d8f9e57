// SPDX-License-Identifier: MIT
// CRC-32 (Ethernet FCS) matrices for a DataWidth-bit beat, included inside a module that
// defines DataWidth and Bytes (eth_fcs, rx_parse): one definition of the per-beat step and of
// the inverse zero-byte steps that take a partial beat's zero padding back out.
localparam logic [31:0] Poly = 32'hEDB88320;

// The matrices are flat vectors, row i at bits [i*W +: W]: yosys 0.23 reads no 2-D packed
// array as a localparam, a function's result or a function's argument.
localparam int unsigned RowW = DataWidth + 32;

// Rows of the beat step: bit i of the next state is the parity of row i AND'ed with
// {state, data}. Built by running the serial CRC on symbolic bits.
function automatic logic [32*RowW-1:0] step_rows();
  logic [32*RowW-1:0] st;
  logic [RowW-1:0]    fb;
  for (int k = 0; k < 32; k++) begin
    st[k*RowW +: RowW] = '0;
    st[k*RowW + DataWidth + k] = 1'b1;
  end
  for (int i = 0; i < DataWidth; i++) begin
    fb = st[0 +: RowW];
    fb[i] = ~fb[i];
    for (int k = 0; k < 31; k++)
      st[k*RowW +: RowW] = Poly[k] ? (st[(k+1)*RowW +: RowW] ^ fb) : st[(k+1)*RowW +: RowW];
    st[31*RowW +: RowW] = fb;
  end
  step_rows = st;
endfunction

// Rows of the inverse of z zero bytes, z = 8 * q (HiRows[q]) or z = r (LoRows[r]): any
// z < Bytes is HiRows[z / 8] then LoRows[z % 8], one constant matrix per stage.
// Matrix q, row i, column j is bit q*1024 + i*32 + j. `col` steps back over one zero bit:
// the state before, from the state after. It is written out, not a function: yosys 0.23
// takes minutes over ~16k function calls inside a constant function, seconds without.
localparam int unsigned Groups = Bytes / 8;

function automatic logic [Groups*1024-1:0] unzero_hi_rows();
  logic [Groups*1024-1:0] r;
  logic [31:0] col;
  for (int j = 0; j < 32; j++) begin
    col = 32'd1 << j;
    for (int q = 0; q < Groups; q++) begin
      for (int i = 0; i < 32; i++) r[q*1024 + i*32 + j] = col[i];
      for (int b = 0; b < 64; b++)
        col = {col[31] ? (col[30:0] ^ Poly[30:0]) : col[30:0], col[31]};
    end
  end
  unzero_hi_rows = r;
endfunction

function automatic logic [8*1024-1:0] unzero_lo_rows();
  logic [8*1024-1:0] r;
  logic [31:0] col;
  for (int j = 0; j < 32; j++) begin
    col = 32'd1 << j;
    for (int q = 0; q < 8; q++) begin
      for (int i = 0; i < 32; i++) r[q*1024 + i*32 + j] = col[i];
      for (int b = 0; b < 8; b++)
        col = {col[31] ? (col[30:0] ^ Poly[30:0]) : col[30:0], col[31]};
    end
  end
  unzero_lo_rows = r;
endfunction

localparam logic [32*RowW-1:0]      StepRows = step_rows();
localparam logic [Groups*1024-1:0] HiRows   = unzero_hi_rows();
localparam logic [8*1024-1:0]      LoRows   = unzero_lo_rows();

function automatic logic [31:0] mul32(logic [1023:0] rows, logic [31:0] x);
  logic [31:0] r;
  for (int i = 0; i < 32; i++) r[i] = ^(rows[i*32 +: 32] & x);
  mul32 = r;
endfunction


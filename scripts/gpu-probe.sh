#!/bin/sh
# What the GPU machine offers for video encoding: the GPU, NVML's encoder capacity, the NVIDIA video libraries,
# and, where an ffmpeg is installed, the same trial encodes Sluice's probe runs.
exec > "$OUT/gpu-probe.txt" 2>&1
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
nvidia-smi -q | grep -i -A3 "encoder stats\|fbc stats" | head -12
echo "--- NVML encoder capacity"
python3 - <<'PY'
import pynvml as n
n.nvmlInit(); h = n.nvmlDeviceGetHandleByIndex(0)
for name, q in [('H264', n.NVML_ENCODER_QUERY_H264), ('HEVC', n.NVML_ENCODER_QUERY_HEVC)]:
    try: print(name, 'capacity', n.nvmlDeviceGetEncoderCapacity(h, q))
    except Exception as e: print(name, 'capacity error:', e)
try: print('decoder utilisation', n.nvmlDeviceGetDecoderUtilization(h))
except Exception as e: print('decoder:', e)
PY
echo "--- libraries"
ldconfig -p | grep -i "nvidia-encode\|nvcuvid\|libcuda.so" || echo "no libnvidia-encode / libnvcuvid / libcuda in ldconfig"
ls /dev/dri 2>&1
echo "--- tools"
which ffmpeg ffprobe node || true
if command -v ffmpeg >/dev/null; then
  ffmpeg -hide_banner -version | head -1
  ffmpeg -hide_banner -hwaccels
  for c in h264_nvenc hevc_nvenc h264_vaapi libx264; do
    echo "trial $c:"; ffmpeg -hide_banner -nostdin -loglevel error -f lavfi -i testsrc2=size=256x144:rate=30 -frames:v 5 -c:v $c -f null - && echo ok
  done
fi
echo "--- NVENC session (what ffmpeg's h264_nvenc opens first), through the driver's own API"
python3 - <<'PY'
import ctypes as C
cuda = C.CDLL('libcuda.so.1'); enc = C.CDLL('libnvidia-encode.so.1')
dev, ctx = C.c_int(), C.c_void_p()
print('cuInit', cuda.cuInit(0), 'cuDeviceGet', cuda.cuDeviceGet(C.byref(dev), 0), 'cuCtxCreate', cuda.cuCtxCreate_v2(C.byref(ctx), 0, dev))
v = C.c_uint32(); print('NvEncodeAPIGetMaxSupportedVersion', enc.NvEncodeAPIGetMaxSupportedVersion(C.byref(v)), 'version %d.%d' % (v.value >> 4, v.value & 15))
api = (v.value >> 4) | ((v.value & 15) << 24)
sver = lambda n: api | (n << 16) | (0x7 << 28)
fl = (C.c_uint8 * 4096)(); C.c_uint32.from_buffer(fl, 0).value = sver(2)
print('NvEncodeAPICreateInstance', enc.NvEncodeAPICreateInstance(fl))
ptrs = (C.c_void_p * 500).from_buffer(fl, 8)
OpenEx = C.CFUNCTYPE(C.c_int, C.c_void_p, C.POINTER(C.c_void_p))(ptrs[29])
p = (C.c_uint8 * 4096)()
C.c_uint32.from_buffer(p, 0).value = sver(1); C.c_uint32.from_buffer(p, 4).value = 1  # NV_ENC_DEVICE_TYPE_CUDA
C.c_void_p.from_buffer(p, 8).value = ctx.value; C.c_uint32.from_buffer(p, 24).value = api
h = C.c_void_p(); st = OpenEx(C.addressof(p), C.byref(h))
names = {0: 'NV_ENC_SUCCESS', 1: 'NV_ENC_ERR_NO_ENCODE_DEVICE', 2: 'NV_ENC_ERR_UNSUPPORTED_DEVICE', 3: 'NV_ENC_ERR_INVALID_ENCODERDEVICE', 4: 'NV_ENC_ERR_INVALID_DEVICE', 15: 'NV_ENC_ERR_INVALID_VERSION'}
print('nvEncOpenEncodeSessionEx', st, names.get(st, '?'))
PY

/*
 * wav.h - reads the facts the API reports about a WAV file from its header
 * (sample rate, channels, bits per sample, data size, duration), and writes
 * the small test tone that test mode returns for AUDIO.
 * Pure functions over bytes; no I/O beyond wav_read_file.
 */
#ifndef DOITONG_WAV_H
#define DOITONG_WAV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes of a file that wav_read_file examines; a data chunk must start within them. */
#define WAV_HEADER_MAX 65536

struct wav_info {
	uint16_t audio_format;   /* 1 = PCM, 3 = float, 0xFFFE = extensible */
	uint16_t channels;
	uint32_t sample_rate;
	uint16_t bits_per_sample;
	uint16_t block_align;
	uint64_t data_size;      /* bytes of samples actually present */
	double duration;         /* seconds */
};

/*
 * Parses a RIFF/WAVE header from buf[0..len), the first len bytes of a file
 * of file_size bytes (file_size >= len). Walks the chunks (odd sizes padded),
 * requires "fmt " before "data" and sane values, and clamps a data size that
 * claims more than the file holds (streams written without a final size).
 * Returns false, with a short reason in *why (static string), otherwise.
 */
bool wav_parse(const unsigned char *buf, size_t len, uint64_t file_size,
	       struct wav_info *info, const char **why);

/* Opens path and parses its header. Returns false with a reason in *why. */
bool wav_read_file(const char *path, struct wav_info *info, const char **why);

/* Bytes of the canonical header wav_tone writes before the samples. */
#define WAV_TONE_HEADER 44
/* Most samples wav_tone accepts (one minute at 48 kHz). */
#define WAV_TONE_MAX_SAMPLES (60u * 48000u)

/*
 * A complete WAV file in memory: a canonical 44-byte RIFF header (PCM,
 * mono, 16-bit, sample_rate) and `samples` samples of a sine at freq_hz with
 * peak amplitude (0..1], faded in and out over 10 ms so it starts and ends
 * silent. Deterministic: the same arguments give the same bytes.
 * Returns a malloc'd buffer the caller free()s, its length
 * (WAV_TONE_HEADER + 2 * samples) in *len; NULL when sample_rate is 0 or
 * above 192000, or samples is 0 or above WAV_TONE_MAX_SAMPLES.
 */
unsigned char *wav_tone(uint32_t sample_rate, uint32_t samples, double freq_hz,
			double amplitude, size_t *len);

#endif

#pragma once
// Deterministic text helpers of the importers (spec/import.md IM-9, IM-10, IM-11): UTF-8
// checks and code-point-safe cuts, the representation builders' digests, rule detection
// and reference tokens. No model calls, no locale: byte-level rules only.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace clawvm::import::text {

// Byte offset of the first byte that is not part of well-formed UTF-8 (overlongs,
// surrogates and code points above U+10FFFF are ill-formed), or nullopt if `s` is valid.
std::optional<std::size_t> first_invalid_utf8(std::string_view s) noexcept;

// The longest prefix / suffix of valid UTF-8 `s` of at most `max_bytes` bytes that does
// not split a code point.
std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes) noexcept;
std::string_view utf8_suffix(std::string_view s, std::size_t max_bytes) noexcept;

// `s` with every run of ASCII whitespace replaced by one space, trimmed, cut to
// `max_bytes` (code-point safe) with "..." appended when cut.
std::string one_line(std::string_view s, std::size_t max_bytes);

// `s` cut to `max_bytes` (code-point safe) with "\n[... N more bytes]" appended when cut:
// the stored form of a representation whose text exceeds representation_bytes_max.
std::string bounded(std::string_view s, std::size_t max_bytes);

// compressed level: first `head` bytes, a marker naming the omitted byte count, last
// `tail` bytes; nullopt when `s` is not longer than 2 * (head + tail).
std::optional<std::string> head_tail(std::string_view s, std::size_t head, std::size_t tail);

// Number of lines ('\n'-separated; a trailing newline does not start a new line).
std::size_t line_count(std::string_view s) noexcept;
// The first `n` non-blank lines.
std::vector<std::string_view> first_nonblank_lines(std::string_view s, std::size_t n);

// ASCII lower-case copy.
std::string ascii_lower(std::string_view s);
std::string_view trim(std::string_view s) noexcept;

// Rule sentences of a user message (IM-10): the message split into sentences at line
// breaks and at ". ", "! ", "? "; a sentence is a rule when, after leading list markers
// ("-", "*", "+", "•", "1." / "1)") and one leading filler word ("please", "and", "also",
// "but", "so", "then"), it starts with one of `openers` (ASCII case-insensitive) followed
// by a non-alphanumeric byte or the end. Returned trimmed, in order.
std::vector<std::string> rule_sentences(std::string_view message,
                                        const std::vector<std::string>& openers);

// Reference tokens (IM-11): `s` split at ASCII whitespace and at the bytes " ' ` ( ) [ ]
// { } < > , ; | =, then stripped of trailing . : ! ? and of leading '@'. Empty tokens are
// not reported.
void for_each_token(std::string_view s, const std::function<void(std::string_view)>& f);

// Path-like token (IM-11): at least 4 bytes and starts with "/", "./", "../", "~/",
// "http://" or "https://", or has a '/' and a '.' after its last '/'.
bool path_like(std::string_view token) noexcept;

// A line that holds two or more JSON objects written back to back ("{...}{...}", spaces
// allowed between them): the byte offset where each object starts; empty when the line is
// not of that shape (then it is plain invalid JSON). At most 16 objects.
std::vector<std::size_t> concatenated_object_starts(std::string_view line);


}  // namespace clawvm::import::text

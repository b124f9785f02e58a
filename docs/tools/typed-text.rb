# Keep what the book types: asciidoctor's replacements turn "->" into an
# arrow, and "<=" and "=>" into double arrows, also inside `code`, where
# `tty->ops->write` must stay as typed (a reader copies it). Prose that
# wants an arrow writes "→".
require 'asciidoctor'

Asciidoctor::REPLACEMENTS.reject! do |_pattern, replacement, _|
  %w[&#8594; &#8658; &#8592; &#8656;].include?(replacement)
end

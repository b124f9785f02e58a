# frozen_string_literal: true
#
# Render the workbook to HTML, one page per part, or just prepare the
# generated sources that the PDF needs. Called by docs/build.sh:
#
#   ruby render.rb gen  ROOT GEN [LANG]               write GEN/exercises.adoc only
#   ruby render.rb html ROOT GEN OUT DIAGRAMS [LANG [OTHER]]
#                                              gen + validate + render OUT/*.html
#
# LANG is en (the master docs/index.adoc) or zh (the Chinese edition, from
# docs/index.zh.adoc: the same parts as X.zh.adoc, its exercises list taken
# from the chapters' README.zh.adoc). OTHER, when given, is where the pages
# of the other language are, relative to OUT ("zh/" or "../"): every page
# then links to the same page in the other language.
#
# How the HTML is made:
#   1. The master, docs/index.adoc, lists the parts of the book as top-level
#      include:: lines. Each one becomes a page: index.html (the preface and
#      the contents), setup.html, ch01.html ... ch11.html, and the back matter.
#      The page name is the part's [#id].
#   2. For each part a small wrapper .adoc is written to GEN/pages/: the shared
#      attributes, navigation, and the same include:: line as in the master.
#   3. Pass one parses every wrapper and records which page defines which id.
#   4. Pass two converts every wrapper. A cross-reference to an id on another
#      page becomes a link to that page; one to an id that exists nowhere is an
#      error naming the source file and line.
# Any asciidoctor warning (a missing include, a missing tag, a duplicate id, a
# missing attribute) fails the build: that is --failure-level WARN.

require 'asciidoctor'
require 'cgi'
require 'fileutils'
require_relative 'lab-markers'
require_relative 'typed-text'

# What differs between the two editions of the book.
LANGS = {
  'en' => {
    master: 'index.adoc', attributes: 'attributes.adoc', readme: /README\.adoc\z/,
    title: 'The Linux Kernel Module Workbook', contents: 'Contents', name: 'English', hreflang: 'en',
    exercises_section: /\Aexercises\b/i, exercises_name: 'Exercises', exercises_title: 'All the exercises',
    exercises_intro: 'Every chapter ends with exercises. Here they are in one place, so that a teacher can ' \
                     'hand them out and a student can see what lies ahead. They are taken from the chapters ' \
                     'when the book is built.',
    exercises_from: 'From <<%s>>:'
  },
  'zh' => {
    master: 'index.zh.adoc', attributes: 'attributes.zh.adoc', readme: /README\.zh\.adoc\z/,
    title: 'Linux 内核模块练习册', contents: '目录', name: '中文', hreflang: 'zh-CN',
    exercises_section: /\A练习/, exercises_name: '练习', exercises_title: '全部练习',
    exercises_intro: '每一章都以练习结束。这里把它们集中在一处：老师可以直接布置，学生可以看到后面还有什么。' \
                     '这份列表在构建本书时从各章摘取。',
    exercises_from: '出自<<%s>>：'
  }
}.freeze

# Collects asciidoctor's log, prints it in a compiler-like form, and remembers
# whether anything was a warning or worse.
class BookLogger < ::Logger
  attr_reader :problems

  def initialize(root)
    super($stderr)
    @root = root
    @problems = 0
    self.level = ::Logger::WARN
    self.formatter = proc do |severity, _time, _prog, msg|
      text = if msg.is_a?(Hash) && (loc = msg[:source_location])
               %(#{loc.file}:#{loc.lineno}: #{msg[:text]})
             elsif msg.is_a?(Hash)
               msg[:text].to_s
             else
               msg.to_s
             end
      %(docs: #{severity.downcase}: #{text.gsub(@root + '/', '')}\n)
    end
  end

  def add(severity, message = nil, progname = nil, &block)
    @problems += 1 if (severity || ::Logger::UNKNOWN) >= ::Logger::WARN
    super
  end

end

# One page of the HTML book.
Page = Struct.new(:name, :id, :include_line, :title, :sections, :wrapper)

# What pass one learned about an id: the page it is on and its reference text.
Ref = Struct.new(:page, :text)

# The html5 converter, taught to send cross-references to the right page.
class WorkbookHtml5 < (Asciidoctor::Converter.for 'html5')
  register_for 'html5'

  class << self
    attr_accessor :refs, :current_page, :broken, :chapter_pages
  end

  def convert_inline_anchor(node)
    klass = self.class
    return super unless node.type == :xref && klass.refs # pass one: titles only

    path = node.attributes['path']
    id = path ? node.attributes['fragment'] : node.attributes['refid']
    local = id && node.document.catalog[:refs][id]
    return super if local && !path

    ref = id && klass.refs[id]
    page = ref&.page || (path && klass.chapter_pages[path[%r{(?:^|/)(\d\d)-[^/]+/README}, 1]])
    unless page
      klass.broken << %(#{where(node)}: broken cross-reference to "#{path ? "#{path}##{id}" : id}": no page of the book defines it)
      return super
    end
    href = page == klass.current_page && id ? %(##{id}) : %(#{page}.html#{id ? "##{id}" : ''})
    text = node.text || ref&.text || %([#{id}])
    %(<a href="#{href}">#{text}</a>)
  end

  # The source file and line of the block holding an inline node.
  def where(node)
    block = node.parent
    block = block.parent while block && !(block.respond_to?(:source_location) && block.source_location)
    loc = block&.source_location
    loc ? %(#{loc.file}:#{loc.lineno}) : 'unknown location'
  end
end

class BookRenderer
  def initialize(root, gen, out = nil, diagrams = nil, lang = 'en', other = nil)
    @lang = LANGS[lang || 'en'] or fail!(%(unknown language "#{lang}": say en or zh))
    @other = other && !other.empty? ? other : nil
    @other_lang = LANGS.values.find { |l| l != @lang }
    @root = File.expand_path(root)
    @docs = File.join(@root, 'docs')
    @gen = File.expand_path(gen)
    @out = out && File.expand_path(out)
    @diagrams = diagrams && File.expand_path(diagrams)
    @logger = BookLogger.new(@root)
    Asciidoctor::LoggerManager.logger = @logger
  end

  def fail!(message)
    warn %(docs: error: #{message})
    exit 1
  end

  def check_log!(what)
    return if @logger.problems.zero?

    fail! %(#{what}: asciidoctor reported #{@logger.problems} problem(s), see above)
  end

  # Attributes shared by every page, by the one-document check and by the PDF.
  def attributes(extra = {})
    {
      'chapters' => ENV['DOCS_CHAPTERS'] || File.join(@root, 'chapters'),
      'wb-gen' => @gen,
      'transcripts' => ENV['DOCS_TRANSCRIPTS'] || File.join(@root, 'build', 'transcripts'),
      'wb-debug' => File.join(@root, 'build', 'debug-selftest'),
      'docinfodir' => @docs,
    }.merge(extra)
  end

  # ---- exercises -------------------------------------------------------

  # The chapter READMEs, in the order the master includes them.
  def chapter_readmes
    master_includes.map { |line| include_path(line) }.select { |p| p =~ %r{/\d\d-[^/]+/} && p =~ @lang[:readme] }
  end

  # Write GEN/exercises.adoc: every chapter's Exercises section, copied at
  # build time so it cannot drift from the chapter. Ids are dropped (they
  # stay unique to the chapter) and relative include:: paths are made absolute.
  def generate_exercises
    FileUtils.mkdir_p(@gen)
    out = +"// Generated by docs/tools/render.rb from the chapters' Exercises sections. Do not edit.\n"
    out << "[#exercises]\n== #{@lang[:exercises_title]}\n\n"
    out << "#{@lang[:exercises_intro]}\n\n"
    chapter_readmes.each do |readme|
      next unless File.exist?(readme)

      doc = Asciidoctor.load_file(readme, safe: :unsafe, sourcemap: true, parse_header_only: false,
                                          attributes: attributes('diagramsdir' => 'diagrams'))
      id = doc.id || File.read(readme)[/^\[#(ch\d\d)\]/, 1]
      exercises = doc.find_by(context: :section) { |s| s.title.to_s.strip =~ @lang[:exercises_section] }.first
      fail! %(#{rel(readme)}: no "#{@lang[:exercises_name]}" section (the list of all exercises is built from it)) unless exercises

      lines = File.readlines(readme, chomp: true)
      first = exercises.source_location.lineno # the section title's line
      following = doc.find_by(context: :section) { |s| s.level <= exercises.level && s.source_location.lineno > first }
      last = following.map { |s| s.source_location.lineno }.min
      last = last ? last - 1 : lines.length
      # Back up over the block attribute lines of the following section.
      last -= 1 while last > first && lines[last - 1] =~ /\A\s*(\[.*\]|\/\/.*)?\s*\z/
      body = lines[first...last]
      offset = 2 - exercises.level
      out << %([#exercises-#{id}]\n=== #{doc.doctitle}\n\n#{format(@lang[:exercises_from], id)}\n\n)
      out << adapt(body, File.dirname(readme), offset).join("\n") << "\n\n"
    end
    File.write(File.join(@gen, 'exercises.adoc'), out)
  end

  def adapt(body, dir, offset)
    body.map do |line|
      if line =~ /\A(=+)(\s+\S.*)\z/ # a section title
        ('=' * [$1.length + offset, 1].max) + $2
      elsif line =~ /\Ainclude::([^\[{\/][^\[]*)\[(.*)\]\z/ # a relative include
        %(include::#{File.join(dir, $1)}[#{$2}])
      elsif line =~ /\A\[\[[^\]]+\]\]\z/ || line =~ /\A\[#[\w:.-]+\]\z/ # a bare id line
        nil
      elsif line =~ /\A\[.*\]\z/ && !line.start_with?('[[')
        line.sub(/#[A-Za-z_][\w:-]*/, '') # an id inside block attributes
      else
        line.gsub(/\[\[[A-Za-z_][\w:.-]*(?:,[^\]]*)?\]\]/, '') # inline anchors
      end
    end.compact
  end

  # ---- the master and its parts ------------------------------------------

  def master
    File.join(@docs, @lang[:master])
  end

  # The top-level include:: lines of the master, after its header.
  def master_includes
    File.readlines(master, chomp: true).grep(/\Ainclude::/).reject { |l| l =~ /attributes(\.zh)?\.adoc/ }
  end

  def include_path(line)
    path = line[/\Ainclude::([^\[]+)\[/, 1] or fail!(%(#{@lang[:master]}: cannot read "#{line}"))
    path = path.gsub(/\{([\w-]+)\}/) { attributes[$1] || fail!(%(#{@lang[:master]}: unknown attribute {#{$1}} in "#{line}")) }
    File.expand_path(path, @docs)
  end

  # The [#id] a part starts with names its page.
  def part_id(path)
    fail!(%(#{rel(path)} is missing (docs/#{@lang[:master]} includes it))) unless File.exist?(path)
    File.foreach(path) do |l|
      return $1 if l =~ /\A\[\w*#([\w-]+)[\],.]/ || l =~ /\A\[\[([\w-]+)\]\]/
      next if l.strip.empty? || l.start_with?('//', ':')
    end
    fail! %(#{rel(path)}: a part of the book must start with an id line such as [#ch05])
  end

  def rel(path)
    path.sub(@root + '/', '')
  end

  def pages
    return @pages if @pages

    missing = master_includes.map { |line| include_path(line) }.reject { |p| File.exist?(p) }
    unless missing.empty?
      fail! %(docs/#{@lang[:master]} includes #{missing.size} file(s) that do not exist: #{missing.map { |p| rel(p) }.join(', ')})
    end
    @pages = master_includes.each_with_index.map do |line, i|
      path = include_path(line)
      id = part_id(path)
      name = i.zero? ? 'index' : id
      Page.new(name, id, line.sub(/\Ainclude::[^\[]+/) { "include::#{path}" }, nil, [], nil)
    end
  end

  # ---- rendering ----------------------------------------------------------

  def page_attributes
    attributes('diagramsdir' => 'diagrams', 'docinfo' => 'shared', 'linkcss' => '', 'copycss' => '',
               'webfonts!' => '', 'toc' => 'left', 'toclevels' => '2')
  end

  def nav(page, position)
    i = pages.index(page)
    prev_page = i.positive? ? pages[i - 1] : nil
    next_page = pages[i + 1]
    link = ->(p, label) { p ? %(<a href="#{p.name}.html" rel="#{label}">#{p.title}</a>) : '<span></span>' }
    <<~HTML
      ++++
      <nav class="wb-nav wb-nav-#{position}" aria-label="pages">
      <span class="wb-prev">#{prev_page ? "&#8592; #{link.call(prev_page, 'prev')}" : ''}</span>
      <span class="wb-up"><a href="index.html#contents">#{@lang[:contents]}</a>#{other_language(page)}</span>
      <span class="wb-next">#{next_page ? "#{link.call(next_page, 'next')} &#8594;" : ''}</span>
      </nav>
      ++++
    HTML
  end

  # The link to the same page in the other language, when both are built.
  def other_language(page)
    return '' unless @other

    %( &#183; <a class="wb-lang" href="#{@other}#{page.name}.html" hreflang="#{@other_lang[:hreflang]}" ) +
      %(lang="#{@other_lang[:hreflang]}">#{@other_lang[:name]}</a>)
  end

  def wrapper_text(page, with_nav:, contents: '')
    book_title = @lang[:title]
    title = page.name == 'index' ? book_title : %(#{CGI.unescapeHTML(page.title.to_s.gsub(/<[^>]+>/, ''))} | #{book_title})
    <<~ADOC
      = #{book_title}
      include::#{File.join(@docs, @lang[:attributes])}[]
      :title: #{title}
      #{page.name == 'index' ? '' : ':notitle:'}

      #{with_nav ? nav(page, 'top') : ''}
      #{page.include_line}

      #{contents}
      #{with_nav ? nav(page, 'bottom') : ''}
    ADOC
  end

  def write_wrapper(page, text)
    dir = File.join(@gen, 'pages')
    FileUtils.mkdir_p(dir)
    page.wrapper = File.join(dir, "#{page.name}.adoc")
    File.write(page.wrapper, text)
  end

  def load_page(page, attrs = page_attributes)
    Asciidoctor.load_file(page.wrapper, safe: :unsafe, sourcemap: true, attributes: attrs,
                                        to_dir: @out, mkdirs: true)
  end

  # Pass one: parse every page, learn its title, its sections and its ids.
  def collect_refs
    refs = {}
    ambiguous = {}
    pages.each do |page|
      write_wrapper(page, wrapper_text(page, with_nav: false))
      doc = load_page(page)
      top = doc.sections.find { |s| s.id == page.id }
      fail!(%(#{page.include_line}: the part's first section does not carry the id #{page.id})) unless top
      page.title = top.title
      page.sections = top.sections.map { |s| [s.id, s.title] }
      doc.catalog[:refs].each do |id, node|
        if refs.key?(id) && refs[id].page != page.name
          ambiguous[id] = true
          next
        end
        text = node.respond_to?(:xreftext) ? node.xreftext : nil
        refs[id] = Ref.new(page.name, text)
      end
    end
    dups = ambiguous.keys.reject { |id| id.start_with?('_') }
    fail!(%(these ids are defined on more than one page: #{dups.join(', ')})) unless dups.empty?
    ambiguous.each_key { |id| refs.delete(id) }
    refs
  end

  # The full table of contents, for the index page.
  def contents
    out = +"[#contents]\n== #{@lang[:contents]}\n\n"
    pages.drop(1).each do |page|
      out << %(* link:#{page.name}.html[#{page.title}]\n)
      page.sections.each { |id, title| out << %(** link:#{page.name}.html##{id}[#{title}]\n) }
    end
    out
  end

  # The whole master as one document: catches duplicate ids across chapters
  # and anything else that only shows when the parts meet.
  def check_master
    Asciidoctor.load_file(master, safe: :unsafe, sourcemap: true,
                                  attributes: attributes('diagramsdir' => @diagrams))
    check_log!("docs/#{@lang[:master]}")
  end

  def render_html
    generate_exercises
    check_log!('exercises')
    check_master
    refs = collect_refs
    check_log!('parsing the pages')
    WorkbookHtml5.refs = refs
    WorkbookHtml5.broken = []
    WorkbookHtml5.chapter_pages = pages.each_with_object({}) { |p, h| h[p.id[/\Ach(\d\d)\z/, 1]] = p.id if p.id =~ /\Ach\d\d\z/ }
    FileUtils.mkdir_p(@out)
    pages.each do |page|
      WorkbookHtml5.current_page = page.name
      write_wrapper(page, wrapper_text(page, with_nav: true, contents: page.name == 'index' ? contents : ''))
      Asciidoctor.convert_file(page.wrapper, safe: :unsafe, sourcemap: true, attributes: page_attributes,
                                             to_file: File.join(@out, "#{page.name}.html"), mkdirs: true)
    end
    check_log!('rendering')
    unless WorkbookHtml5.broken.empty?
      WorkbookHtml5.broken.uniq.each { |b| warn %(docs: error: #{b.gsub(@root + '/', '')}) }
      exit 1
    end
    FileUtils.mkdir_p(File.join(@out, 'diagrams'))
    Dir[File.join(@diagrams, '*.svg')].each { |svg| FileUtils.cp(svg, File.join(@out, 'diagrams')) }
    puts %(docs: #{pages.size} pages: #{pages.map(&:name).join(' ')})
  end
end

mode, root, gen, out, diagrams, lang, other = ARGV
case mode
when 'gen'
  r = BookRenderer.new(root, gen, nil, nil, out)
  r.generate_exercises
  r.check_log!('exercises')
when 'html'
  BookRenderer.new(root, gen, out, diagrams, lang, other).render_html
else
  warn 'usage: render.rb gen ROOT GEN [LANG] | html ROOT GEN OUT DIAGRAMS [LANG [OTHER]]'
  exit 2
end

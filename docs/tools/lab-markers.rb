# Asciidoctor extension: drop the "/* END TODO */" lines of the lab markers
# from code listings. The "/* TODO n: ... */" line stays: it tells the
# reader which lab step the lines below it are. The sources themselves keep
# both markers (scripts/lab.sh needs them).
require 'asciidoctor/extensions'

Asciidoctor::Extensions.register do
  treeprocessor do
    process do |document|
      document.find_by(context: :listing).each do |block|
        block.lines.reject! { |line| line =~ %r{\A\s*/\* END TODO \*/\s*\z} }
      end
      nil
    end
  end
end

using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace FedScore.Secure.Emr.Web;

/// <summary>Markup that is already safe (built by <see cref="HtmlBuilder"/> or a literal of this assembly).</summary>
internal readonly record struct Markup(string Value);

/// <summary>
/// Builds a page from interpolated strings in which every hole is HTML-encoded unless it is <see cref="Markup"/>:
/// text from the store or the request cannot become markup by forgetting to encode it. Numbers are formatted in
/// invariant culture. The encoder encodes &lt; &gt; &amp; quotes and '+', so holes are safe in text and in quoted attributes.
/// </summary>
internal sealed class HtmlBuilder
{
    // All Unicode ranges allowed so that names such as "°C" stay readable; markup characters are still encoded.
    private static readonly HtmlEncoder s_encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private readonly StringBuilder _sb = new();

    public static string Encode(string? text) => text is null ? "" : s_encoder.Encode(text);

    public HtmlBuilder Add([InterpolatedStringHandlerArgument("")] ref EncodedInterpolation html) => this;

    public Markup ToMarkup() => new(_sb.ToString());

    public override string ToString() => _sb.ToString();

    internal void AppendRaw(string s) => _sb.Append(s);

    [InterpolatedStringHandler]
    internal readonly ref struct EncodedInterpolation
    {
        private readonly HtmlBuilder _builder;

        public EncodedInterpolation(int literalLength, int formattedCount, HtmlBuilder builder)
        {
            _ = literalLength;
            _ = formattedCount;
            _builder = builder;
        }

        public void AppendLiteral(string literal) => _builder.AppendRaw(literal);

        public void AppendFormatted(Markup markup) => _builder.AppendRaw(markup.Value);

        public void AppendFormatted(string? text) => _builder.AppendRaw(Encode(text));

        public void AppendFormatted<T>(T value, string? format = null) where T : IFormattable =>
            _builder.AppendRaw(Encode(value.ToString(format, CultureInfo.InvariantCulture)));
    }
}

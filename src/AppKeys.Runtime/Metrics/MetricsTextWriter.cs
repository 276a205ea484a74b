using System.Buffers;
using System.Globalization;
using System.Text;
using Prometheus;

namespace AppKeys.Runtime.Metrics;

/// <summary>
/// Writes gauge families in the Prometheus text format 0.0.4 or OpenMetrics 1.0, byte for byte as prometheus-net 8
/// writes its own (values as <c>double.ToString("g")</c>, plus <c>.0</c> in OpenMetrics; label values escaped); for
/// <see cref="IScrapeTimeMetrics"/>, whose series exist only while a scrape writes them. HELP and TYPE are written once per
/// family and a family name already written (by the registry or a source) is refused, so a scrape never holds a
/// duplicate family. Lines go to a pooled buffer flushed to the stream every 16 KiB.
/// </summary>
public sealed class MetricsTextWriter : IDisposable
{
    private const int FlushThreshold = 16 * 1024;
    private static readonly SearchValues<char> LabelValueEscapes = SearchValues.Create("\\\"\n");
    private static readonly SearchValues<char> TextHelpEscapes = SearchValues.Create("\\\n");
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly Stream stream;
    private readonly ExpositionFormat format;
    private readonly HashSet<string> families;
    private readonly CancellationToken cancellationToken;
    private byte[] buffer = ArrayPool<byte>.Shared.Rent(2 * FlushThreshold);
    private int position;
    private string? family;
    private string[] labelNames = [];

    /// <param name="stream">Where the text goes (not disposed).</param>
    /// <param name="format">Prometheus text 0.0.4 or OpenMetrics (the caller writes OpenMetrics' <c># EOF</c>).</param>
    /// <param name="writtenFamilies">Families already in the output, which no source may declare again.</param>
    /// <param name="cancellationToken">Cancels the writes to <paramref name="stream"/>.</param>
    internal MetricsTextWriter(Stream stream, ExpositionFormat format, IEnumerable<string> writtenFamilies, CancellationToken cancellationToken)
    {
        this.stream = stream;
        this.format = format;
        this.cancellationToken = cancellationToken;
        families = new HashSet<string>(writtenFamilies, StringComparer.Ordinal);
    }

    /// <summary>Starts the gauge family <paramref name="name"/>: its HELP and TYPE lines; its samples follow.</summary>
    /// <exception cref="ArgumentException">An invalid metric or label name, or a label name twice.</exception>
    /// <exception cref="InvalidOperationException">The family was written already in this scrape.</exception>
    public void BeginGauge(string name, string help, params ReadOnlySpan<string> labelNames)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(help);
        if (!IsName(name, colons: true))
        {
            throw new ArgumentException($"'{name}' is not a valid metric name.", nameof(name));
        }

        foreach (var label in labelNames)
        {
            if (label is null || !IsName(label, colons: false) || label.StartsWith("__", StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{label}' is not a valid label name.", nameof(labelNames));
            }
        }

        if (labelNames.ToArray().Distinct(StringComparer.Ordinal).Count() != labelNames.Length)
        {
            throw new ArgumentException("A label name is given twice.", nameof(labelNames));
        }

        if (!families.Add(name))
        {
            throw new InvalidOperationException($"The metric family {name} is written already.");
        }

        family = name;
        this.labelNames = labelNames.ToArray();
        Ascii("# HELP ");
        Ascii(name);
        Ascii(" ");
        // Text 0.0.4 escapes backslash and newline in HELP; OpenMetrics also the double quote.
        Escaped(help, format == ExpositionFormat.OpenMetricsText ? LabelValueEscapes : TextHelpEscapes);
        Ascii("\n# TYPE ");
        Ascii(name);
        Ascii(" gauge\n");
    }

    /// <summary>One sample of the current family, its label values in the order of the family's label names.</summary>
    /// <returns>Completed at once, or a flush of the buffer to the stream.</returns>
    /// <exception cref="InvalidOperationException">No family begun.</exception>
    /// <exception cref="ArgumentException">Not one value per label name, or a null value.</exception>
    public ValueTask SampleAsync(double value, params ReadOnlySpan<string> labelValues)
    {
        if (family is null)
        {
            throw new InvalidOperationException("BeginGauge first.");
        }

        if (labelValues.Length != labelNames.Length)
        {
            throw new ArgumentException($"{family} has {labelNames.Length} labels, {labelValues.Length} values given.", nameof(labelValues));
        }

        Ascii(family);
        for (var i = 0; i < labelValues.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(labelValues[i], nameof(labelValues));
            Ascii(i == 0 ? "{" : ",");
            Ascii(labelNames[i]);
            Ascii("=\"");
            Escaped(labelValues[i], LabelValueEscapes);
            Ascii("\"");
        }

        Ascii(labelValues.Length == 0 ? " " : "} ");
        Value(value);
        Ascii("\n");
        return position >= FlushThreshold ? FlushAsync() : ValueTask.CompletedTask;
    }

    /// <summary>Writes what is buffered to the stream.</summary>
    public async ValueTask FlushAsync()
    {
        if (position > 0)
        {
            await stream.WriteAsync(buffer.AsMemory(0, position), cancellationToken);
            position = 0;
        }
    }

    /// <summary>Returns the buffer to the pool (what was not flushed is dropped).</summary>
    public void Dispose()
    {
        var b = buffer;
        buffer = [];
        position = 0;
        if (b.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(b);
        }
    }

    private void Value(double value)
    {
        var open = format == ExpositionFormat.OpenMetricsText;
        if (double.IsNaN(value))
        {
            Ascii("NaN");
            return;
        }

        if (double.IsInfinity(value))
        {
            Ascii(value > 0 ? "+Inf" : "-Inf");
            return;
        }

        Span<char> chars = stackalloc char[32];
        if (!value.TryFormat(chars, out var written, "g", CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException($"Could not format {value}.");
        }

        Ascii(chars[..written]);
        // OpenMetrics wants a float: prometheus-net writes 1 as 1.0 and 1765000000 as 1765000000.0 (never 1e+20.0).
        if (open && chars[..written].IndexOfAny('.', 'e') < 0)
        {
            Ascii(".0");
        }
    }

    private void Escaped(string text, SearchValues<char> escapes)
    {
        var rest = text.AsSpan();
        while (true)
        {
            var at = rest.IndexOfAny(escapes);
            var run = at < 0 ? rest : rest[..at];
            Ensure(Utf8.GetMaxByteCount(run.Length));
            position += Utf8.GetBytes(run, buffer.AsSpan(position));
            if (at < 0)
            {
                return;
            }

            Ascii(rest[at] switch
            {
                '\\' => @"\\",
                '"' => "\\\"",
                _ => @"\n",
            });
            rest = rest[(at + 1)..];
        }
    }

    private void Ascii(ReadOnlySpan<char> text)
    {
        Ensure(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            buffer[position++] = (byte)text[i];
        }
    }

    /// <summary>Room for <paramref name="bytes"/> more: the buffer grows only for a line longer than the flush threshold.</summary>
    private void Ensure(int bytes)
    {
        if (position + bytes <= buffer.Length)
        {
            return;
        }

        ObjectDisposedException.ThrowIf(buffer.Length == 0, this);
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(2 * buffer.Length, position + bytes));
        buffer.AsSpan(0, position).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = larger;
    }

    private static bool IsName(string name, bool colons)
    {
        if (name.Length == 0)
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var ok = char.IsAsciiLetter(c) || c == '_' || (colons && c == ':') || (i > 0 && char.IsAsciiDigit(c));
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}

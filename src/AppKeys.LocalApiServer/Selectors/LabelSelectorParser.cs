using System.Text;
using AppKeys.LocalApiServer.GoCompat;

namespace AppKeys.LocalApiServer.Selectors;

/// <summary>
/// Lexer and recursive-descent parser for label selectors; a port of the algorithm (not the code) of
/// apimachinery <c>pkg/labels/selector.go</c> so that accepted inputs and error texts are the same.
/// </summary>
internal sealed class LabelSelectorParser
{
    private enum Token
    {
        Error,
        EndOfString,
        ClosedPar,
        Comma,
        DoesNotExist,
        DoubleEquals,
        Equals,
        GreaterThan,
        Identifier,
        In,
        LessThan,
        NotEquals,
        NotIn,
        OpenPar,
    }

    private static readonly Dictionary<string, Token> Literals = new(StringComparer.Ordinal)
    {
        [")"] = Token.ClosedPar,
        [","] = Token.Comma,
        ["!"] = Token.DoesNotExist,
        ["=="] = Token.DoubleEquals,
        ["="] = Token.Equals,
        [">"] = Token.GreaterThan,
        ["in"] = Token.In,
        ["<"] = Token.LessThan,
        ["!="] = Token.NotEquals,
        ["notin"] = Token.NotIn,
        ["("] = Token.OpenPar,
    };

    // The order kube prints in "expected: ..." for a bad operator.
    private const string BinaryOperators = "in, notin, =, ==, !=, gt, lt";

    private readonly string s;
    private readonly List<(Token Tok, string Lit)> items = [];
    private int lexPos;
    private int position;

    public LabelSelectorParser(string s) => this.s = s;

    public List<LabelRequirement> Parse()
    {
        Scan();
        var requirements = new List<LabelRequirement>();
        while (true)
        {
            var (tok, lit) = Lookahead(values: true);
            switch (tok)
            {
                case Token.Identifier or Token.DoesNotExist:
                    LabelRequirement r;
                    try
                    {
                        r = ParseRequirement();
                    }
                    catch (SelectorParseException e)
                    {
                        throw new SelectorParseException("unable to parse requirement: " + e.Message, e);
                    }

                    requirements.Add(r);
                    var (t, l) = Consume(values: true);
                    switch (t)
                    {
                        case Token.EndOfString:
                            return requirements;
                        case Token.Comma:
                            var (t2, l2) = Lookahead(values: true);
                            if (t2 is not Token.Identifier and not Token.DoesNotExist)
                            {
                                throw new SelectorParseException($"found '{l2}', expected: identifier after ','");
                            }

                            break;
                        default:
                            throw new SelectorParseException($"found '{l}', expected: ',' or 'end of string'");
                    }

                    break;
                case Token.EndOfString:
                    return requirements;
                default:
                    throw new SelectorParseException($"found '{lit}', expected: !, identifier, or 'end of string'");
            }
        }
    }

    private LabelRequirement ParseRequirement()
    {
        var (key, op) = ParseKeyAndInferOperator();
        if (op is SelectorOperator.Exists or SelectorOperator.DoesNotExist)
        {
            return LabelSelector.NewRequirement(key, op.Value, []);
        }

        var binary = ParseOperator();
        List<string> values = binary is SelectorOperator.In or SelectorOperator.NotIn ? ParseValues() : ParseExactValue();
        return LabelSelector.NewRequirement(key, binary, values);
    }

    private (string Key, SelectorOperator? Op) ParseKeyAndInferOperator()
    {
        SelectorOperator? op = null;
        var (tok, literal) = Consume(values: true);
        if (tok == Token.DoesNotExist)
        {
            op = SelectorOperator.DoesNotExist;
            (tok, literal) = Consume(values: true);
        }

        if (tok != Token.Identifier)
        {
            throw new SelectorParseException($"found '{literal}', expected: identifier");
        }

        var keyErrs = KubeNames.IsQualifiedName(literal);
        if (keyErrs.Count > 0)
        {
            // kube validates with an empty field path here, hence the leading ": ".
            throw new SelectorParseException($": Invalid value: {GoText.Quote(literal)}: {string.Join("; ", keyErrs)}");
        }

        var (next, _) = Lookahead(values: true);
        if (next is Token.EndOfString or Token.Comma && op != SelectorOperator.DoesNotExist)
        {
            op = SelectorOperator.Exists;
        }

        return (literal, op);
    }

    private SelectorOperator ParseOperator()
    {
        var (tok, lit) = Consume(values: false);
        return tok switch
        {
            Token.In => SelectorOperator.In,
            Token.Equals => SelectorOperator.Equals,
            Token.DoubleEquals => SelectorOperator.DoubleEquals,
            Token.GreaterThan => SelectorOperator.GreaterThan,
            Token.LessThan => SelectorOperator.LessThan,
            Token.NotIn => SelectorOperator.NotIn,
            Token.NotEquals => SelectorOperator.NotEquals,
            _ => throw new SelectorParseException($"found '{lit}', expected: {BinaryOperators}"),
        };
    }

    private List<string> ParseValues()
    {
        var (tok, lit) = Consume(values: true);
        if (tok != Token.OpenPar)
        {
            throw new SelectorParseException($"found '{lit}' expected: '('");
        }

        (tok, lit) = Lookahead(values: true);
        switch (tok)
        {
            case Token.Identifier or Token.Comma:
                var set = ParseIdentifiersList();
                if (Consume(values: true).Tok != Token.ClosedPar)
                {
                    throw new SelectorParseException($"found '{lit}', expected: ')'");
                }

                return Sorted(set);
            case Token.ClosedPar:
                Consume(values: true);
                return [string.Empty];
            default:
                throw new SelectorParseException($"found '{lit}', expected: ',', ')' or identifier");
        }
    }

    private SortedSet<string> ParseIdentifiersList()
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var (tok, lit) = Consume(values: true);
            switch (tok)
            {
                case Token.Identifier:
                    set.Add(lit);
                    var (tok2, lit2) = Lookahead(values: true);
                    switch (tok2)
                    {
                        case Token.Comma:
                            continue;
                        case Token.ClosedPar:
                            return set;
                        default:
                            throw new SelectorParseException($"found '{lit2}', expected: ',' or ')'");
                    }

                case Token.Comma:
                    if (set.Count == 0)
                    {
                        set.Add(string.Empty);
                    }

                    var (t2, _) = Lookahead(values: true);
                    if (t2 == Token.ClosedPar)
                    {
                        set.Add(string.Empty);
                        return set;
                    }

                    if (t2 == Token.Comma)
                    {
                        Consume(values: true);
                        set.Add(string.Empty);
                    }

                    break;
                default:
                    throw new SelectorParseException($"found '{lit}', expected: ',', or identifier");
            }
        }
    }

    private List<string> ParseExactValue()
    {
        var (tok, _) = Lookahead(values: true);
        if (tok is Token.EndOfString or Token.Comma)
        {
            return [string.Empty];
        }

        (tok, var lit) = Consume(values: true);
        if (tok == Token.Identifier)
        {
            return [lit];
        }

        throw new SelectorParseException($"found '{lit}', expected: identifier");
    }

    private static List<string> Sorted(SortedSet<string> set) => [.. set];

    private (Token Tok, string Lit) Lookahead(bool values) => Contextual(items[position], values);

    private (Token Tok, string Lit) Consume(bool values)
    {
        var item = items[position];
        position++;
        return Contextual(item, values);
    }

    // In a values context the keywords "in" and "notin" are plain identifiers ("x in (in)").
    private static (Token Tok, string Lit) Contextual((Token Tok, string Lit) item, bool values) =>
        values && item.Tok is Token.In or Token.NotIn ? (Token.Identifier, item.Lit) : item;

    private void Scan()
    {
        while (true)
        {
            var item = Lex();
            items.Add(item);
            if (item.Tok == Token.EndOfString)
            {
                return;
            }
        }
    }

    private static bool IsWhitespace(char c) => c is ' ' or '\t' or '\r' or '\n';

    private static bool IsSpecial(char c) => c is '=' or '!' or '(' or ')' or ',' or '>' or '<';

    private (Token Tok, string Lit) Lex()
    {
        while (lexPos < s.Length && IsWhitespace(s[lexPos]))
        {
            lexPos++;
        }

        if (lexPos >= s.Length || s[lexPos] == '\0')
        {
            return (Token.EndOfString, string.Empty);
        }

        return IsSpecial(s[lexPos]) ? ScanSpecial() : ScanIdOrKeyword();
    }

    private (Token Tok, string Lit) ScanIdOrKeyword()
    {
        var start = lexPos;
        while (lexPos < s.Length && s[lexPos] != '\0' && !IsSpecial(s[lexPos]) && !IsWhitespace(s[lexPos]))
        {
            lexPos++;
        }

        var word = s[start..lexPos];
        return Literals.TryGetValue(word, out var tok) && tok is Token.In or Token.NotIn
            ? (tok, word)
            : (Token.Identifier, word);
    }

    private (Token Tok, string Lit) ScanSpecial()
    {
        var buffer = new StringBuilder();
        (Token Tok, string Lit)? last = null;
        while (lexPos < s.Length && IsSpecial(s[lexPos]))
        {
            buffer.Append(s[lexPos]);
            lexPos++;
            if (Literals.TryGetValue(buffer.ToString(), out var tok))
            {
                last = (tok, buffer.ToString());
            }
            else if (last is not null)
            {
                lexPos--;
                break;
            }
        }

        return last is { } l ? l : (Token.Error, $"error expected: keyword found '{buffer}'");
    }
}

using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Selectors;

namespace AppKeys.LocalApiServer.Tests.Selectors;

public class LabelSelectorTests
{
    // Inputs kube accepts and the canonical string it prints back (labels/selector_test.go TestSelectorParse).
    [Theory]
    [InlineData("", "")]
    [InlineData("x=a,y=b,z=c", "x=a,y=b,z=c")]
    [InlineData("x!=a,y=b", "x!=a,y=b")]
    [InlineData("x=,z= ", "x=,z=")]
    [InlineData("x= ,z= ", "x=,z=")]
    [InlineData("!x", "!x")]
    [InlineData("x>1", "x>1")]
    [InlineData("x>1,z<5", "x>1,z<5")]
    [InlineData("x==a", "x==a")]
    [InlineData("  x  ", "x")]
    [InlineData("z,y,x", "x,y,z")]
    [InlineData("x in (b,a)", "x in (a,b)")]
    [InlineData("x notin (a)", "x notin (a)")]
    [InlineData("x in ()", "x in ()")]
    [InlineData("x in (,a)", "x in (,a)")]
    [InlineData("x in (a,,b)", "x in (,a,b)")]
    [InlineData("x in (in)", "x in (in)")]
    [InlineData("in in (notin)", "in in (notin)")]
    [InlineData("app.kubernetes.io/name=web", "app.kubernetes.io/name=web")]
    [InlineData("x\tin\t(a)", "x in (a)")]
    [InlineData("a=b,!c,d notin (e),f", "a=b,!c,d notin (e),f")]
    public void Parses_valid_selectors(string text, string canonical)
    {
        Assert.Equal(canonical, LabelSelector.Parse(text).ToString());
    }

    [Theory]
    [InlineData("x=a||y=b", "unable to parse requirement: values[0][x]: Invalid value: \"a||y\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")]
    [InlineData("x==a==b", "found '==', expected: ',' or 'end of string'")]
    [InlineData("!x=a", "found '=', expected: ',' or 'end of string'")]
    [InlineData("x<a", "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer")]
    [InlineData("x in a", "unable to parse requirement: found 'a' expected: '('")]
    [InlineData("x in (a", "unable to parse requirement: found '', expected: ',' or ')'")]
    [InlineData("x in (a b)", "unable to parse requirement: found 'b', expected: ',' or ')'")]
    [InlineData("x,", "found '', expected: identifier after ','")]
    [InlineData(",x", "found ',', expected: !, identifier, or 'end of string'")]
    [InlineData("x y", "unable to parse requirement: found 'y', expected: in, notin, =, ==, !=, gt, lt")]
    [InlineData("!", "unable to parse requirement: found '', expected: identifier")]
    [InlineData("x=(", "unable to parse requirement: found '(', expected: identifier")]
    [InlineData("x (a)", "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt")]
    public void Rejects_invalid_syntax_with_kube_message(string text, string message)
    {
        var ex = Assert.Throws<SelectorParseException>(() => LabelSelector.Parse(text));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void Rejects_an_invalid_key_with_kube_message()
    {
        var ex = Assert.Throws<SelectorParseException>(() => LabelSelector.Parse("-x=a"));
        Assert.Equal(
            "unable to parse requirement: : Invalid value: \"-x\": name part must consist of alphanumeric characters, '-', '_' or '.', "
            + "and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', "
            + "regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
            ex.Message);
    }

    [Fact]
    public void Rejects_an_invalid_value_with_kube_message()
    {
        var ex = Assert.Throws<SelectorParseException>(() => LabelSelector.Parse("x=a/b"));
        Assert.Equal(
            "unable to parse requirement: values[0][x]: Invalid value: \"a/b\": a valid label must be an empty string or consist of "
            + "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character "
            + "(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
            ex.Message);
    }

    [Theory]
    [InlineData("Example.com/x", "prefix part a lowercase RFC 1123 subdomain")]
    [InlineData("/x", "prefix part must be non-empty")]
    [InlineData("a/b/c", "a qualified name must consist of")]
    [InlineData("a/", "name part must be non-empty")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "name part must be no more than 63 characters")]
    public void Validates_label_keys(string key, string fragment)
    {
        var ex = Assert.Throws<SelectorParseException>(() => LabelSelector.Parse(key));
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }

    // Matching (labels/selector_test.go TestSelectorMatches / TestSetMatches).
    [Theory]
    [InlineData("", "x=y", true)]
    [InlineData("x=y", "x=y", true)]
    [InlineData("x==y", "x=y", true)]
    [InlineData("x=y,z=w", "x=y,z=w", true)]
    [InlineData("x!=y,z!=w", "x=z,z=a", true)]
    [InlineData("notin=in", "notin=in", true)]
    [InlineData("x", "x=z", true)]
    [InlineData("!x", "y=z", true)]
    [InlineData("x>1", "x=2", true)]
    [InlineData("x<1", "x=0", true)]
    [InlineData("x in (y,z)", "x=z", true)]
    [InlineData("x notin (y,z)", "x=a", true)]
    [InlineData("x notin (y,z)", "", true)]
    [InlineData("x!=y", "", true)]
    [InlineData("x=", "x=", true)]
    [InlineData("x=z", "", false)]
    [InlineData("x=y", "x=z", false)]
    [InlineData("x=y,z=w", "x=w,z=w", false)]
    [InlineData("x!=y,z!=w", "x=z,z=w", false)]
    [InlineData("x", "y=z", false)]
    [InlineData("!x", "x=z", false)]
    [InlineData("x>1", "x=0", false)]
    [InlineData("x>1", "x=a", false)]
    [InlineData("x<1", "x=1", false)]
    [InlineData("x in (y,z)", "x=a", false)]
    [InlineData("x in (y,z)", "", false)]
    [InlineData("x notin (y,z)", "x=y", false)]
    [InlineData("x=", "", false)]
    public void Matches_like_kube(string selector, string labels, bool expected)
    {
        var set = labels.Length == 0
            ? new Dictionary<string, string>()
            : labels.Split(',').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        var parsed = LabelSelector.Parse(selector);
        Assert.Equal(expected, parsed.Matches(set));
        var json = new JsonObject();
        foreach (var (k, v) in set)
        {
            json[k] = v;
        }

        Assert.Equal(expected, parsed.Matches(json));
    }

    [Fact]
    public void Null_labels_behave_as_empty()
    {
        Assert.True(LabelSelector.Parse("!a").Matches((IReadOnlyDictionary<string, string>?)null));
        Assert.False(LabelSelector.Parse("a").Matches((JsonObject?)null));
        Assert.True(LabelSelector.Parse(null).Matches((JsonObject?)null));
    }

    [Fact]
    public void Empty_and_nothing()
    {
        Assert.True(LabelSelector.Parse("").IsEmpty);
        Assert.True(LabelSelector.Parse("   ").IsEmpty);
        Assert.False(LabelSelector.Parse("a").IsEmpty);
        Assert.False(LabelSelector.FromJson(null).IsEmpty);
        Assert.False(LabelSelector.FromJson(null).Matches(new Dictionary<string, string>()));
        Assert.True(LabelSelector.FromJson(new JsonObject()).IsEmpty);
        Assert.True(LabelSelector.FromJson(new JsonObject()).Matches(new Dictionary<string, string> { ["a"] = "b" }));
    }

    [Theory]
    [InlineData("""{"matchLabels":{"app":"web"}}""", "app=web", true)]
    [InlineData("""{"matchLabels":{"app":"web"}}""", "app=db", false)]
    [InlineData("""{"matchExpressions":[{"key":"tier","operator":"In","values":["a","b"]}]}""", "tier=b", true)]
    [InlineData("""{"matchExpressions":[{"key":"tier","operator":"NotIn","values":["a"]}]}""", "tier=a", false)]
    [InlineData("""{"matchExpressions":[{"key":"tier","operator":"Exists"}]}""", "tier=a", true)]
    [InlineData("""{"matchExpressions":[{"key":"tier","operator":"DoesNotExist"}]}""", "tier=a", false)]
    [InlineData("""{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"Exists"}]}""", "app=web", false)]
    public void FromJson_matches(string selector, string labels, bool expected)
    {
        var parsed = LabelSelector.FromJson(JsonNode.Parse(selector)!.AsObject());
        var set = labels.Split(',').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(expected, parsed.Matches(set));
    }

    [Theory]
    [InlineData("""{"matchExpressions":[{"key":"a","operator":"Gt","values":["1"]}]}""", "\"Gt\" is not a valid label selector operator")]
    [InlineData("""{"matchExpressions":[{"key":"a","operator":"In","values":[]}]}""", "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty")]
    [InlineData("""{"matchExpressions":[{"key":"a","operator":"Exists","values":["x"]}]}""", "values: Invalid value: [\"x\"]: values set must be empty for exists and does not exist")]
    public void FromJson_rejects_invalid(string selector, string message)
    {
        var ex = Assert.Throws<SelectorParseException>(() => LabelSelector.FromJson(JsonNode.Parse(selector)!.AsObject()));
        Assert.Equal(message, ex.Message);
    }
}

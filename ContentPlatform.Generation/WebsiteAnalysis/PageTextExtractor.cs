using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using AngleSharp.Text;

namespace ContentPlatform.Generation.WebsiteAnalysis;

// Turns a fetched page into PageContent with an HTML5 parser (AngleSharp): the same tree a browser builds.
public static partial class PageTextExtractor
{
    public const int MaxTextLength = 20_000;
    private const int MaxHeadings = 30;
    private const int MaxCallsToAction = 10;

    // Elements whose text is not the page's message: code, hidden parts and site chrome.
    private const string NoiseSelector =
        "script, style, noscript, template, svg, iframe, object, canvas, nav, footer, aside, form, dialog, " +
        "[hidden], [aria-hidden=true], [role=navigation], [role=contentinfo]";

    private static readonly HashSet<string> BlockElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "address", "article", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure", "h1", "h2", "h3",
        "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
    };

    static PageTextExtractor()
    {
        // Pages still come in legacy encodings (windows-1252, Shift_JIS, ...), which .NET only knows through this provider.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    public static PageContent Extract(FetchedPage page)
    {
        // The Content-Type charset is authoritative; without one AngleSharp sniffs the BOM and <meta charset>.
        var encoding = page.Charset is { Length: > 0 } charset ? TextEncoding.Resolve(charset) : null;
        var document = new HtmlParser().ParseDocument(page.Body.AsMemory(), encoding);

        var title = Clean(document.Title) ?? Meta(document, "og:title");
        var description = Meta(document, "description") ?? Meta(document, "og:description");
        var siteName = Meta(document, "og:site_name") ?? Meta(document, "application-name");
        var metaKeywords = (Meta(document, "keywords") ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        // Calls to action often live in the header and footer, so they are read before the chrome is removed.
        var callsToAction = CallsToAction(document, page.Url);

        var body = document.Body;
        foreach (var noise in body?.QuerySelectorAll(NoiseSelector).ToList() ?? [])
        {
            noise.Remove();
        }
        var headings = body?.QuerySelectorAll("h1, h2, h3")
            .Select(h => Clean(h.TextContent))
            .OfType<string>()
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Take(MaxHeadings)
            .ToList() ?? [];
        var text = body is null ? "" : VisibleText(body);

        var keywords = KeywordExtractor.Extract(metaKeywords, title, description, headings, text);
        return new PageContent(page.Url, title, description, siteName, headings, text, keywords, callsToAction, page.FetchedAt);
    }

    private static string? Meta(IDocument document, string name) =>
        document.QuerySelectorAll("meta")
            .Where(m => string.Equals(m.GetAttribute("name") ?? m.GetAttribute("property"), name, StringComparison.OrdinalIgnoreCase))
            .Select(m => Clean(m.GetAttribute("content")))
            .FirstOrDefault(content => content is not null);

    // Text nodes in document order, with a line break wherever a block element starts or ends.
    private static string VisibleText(IElement root)
    {
        var text = new StringBuilder();
        Append(root);
        var lines = text.ToString().Split('\n')
            .Select(Clean)
            .OfType<string>();
        var joined = string.Join('\n', lines);
        return joined.Length <= MaxTextLength ? joined : joined[..MaxTextLength];

        void Append(INode node)
        {
            foreach (var child in node.ChildNodes)
            {
                if (child is IText textNode)
                {
                    text.Append(textNode.Data);
                }
                else if (child is IElement element)
                {
                    var block = BlockElements.Contains(element.LocalName);
                    if (block)
                    {
                        text.Append('\n');
                    }
                    Append(element);
                    if (block)
                    {
                        text.Append('\n');
                    }
                }
            }
        }
    }

    private static List<PageCallToAction> CallsToAction(IDocument document, Uri pageUrl) =>
        document.QuerySelectorAll("a[href], button, input[type=submit], input[type=button]")
            .Select(element => (element, text: Clean(element is IHtmlInputElement input ? input.Value : element.TextContent)))
            .Where(candidate => candidate.text is { Length: <= 60 })
            .Select(candidate => (candidate.element, text: candidate.text!, type: CallToActionType(candidate.text!)))
            .Where(candidate => candidate.type is not null)
            .DistinctBy(candidate => candidate.text.ToLowerInvariant())
            .Take(MaxCallsToAction)
            .Select(candidate => new PageCallToAction(
                candidate.text,
                candidate.type!,
                Link(pageUrl, candidate.element.GetAttribute("href")),
                Placement(candidate.element)))
            .ToList();

    private static readonly (string Type, Regex Pattern)[] CallToActionTypes =
    [
        ("signup", Words("sign up|signup|register|join|get started|start (your|a|free)|try|create (an |your )?account")),
        ("purchase", Words("buy|shop|order|add to (cart|bag)|checkout|purchase")),
        ("booking", Words("book|schedule|reserve|appointment")),
        ("demo", Words("demo")),
        ("contact", Words("contact|get in touch|call us|talk to|get a quote|request a quote|enquire|inquire")),
        ("download", Words("download|install")),
        ("newsletter", Words("subscribe|newsletter")),
        ("learn_more", Words("learn more|find out more|discover|see how|explore")),
    ];

    private static string? CallToActionType(string text) =>
        CallToActionTypes.FirstOrDefault(candidate => candidate.Pattern.IsMatch(text)).Type;

    private static Regex Words(string alternatives) =>
        new($@"\b({alternatives})\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static string? Link(Uri pageUrl, string? href) =>
        href is null || href.StartsWith('#') || href.StartsWith("javascript:", StringComparison.OrdinalIgnoreCase)
            ? null
            : Uri.TryCreate(pageUrl, href, out var absolute) ? absolute.AbsoluteUri : null;

    private static string Placement(IElement element) =>
        element.Closest("footer, [role=contentinfo]") is not null ? "footer"
        : element.Closest("header, nav, [role=navigation], [role=banner]") is not null ? "header"
        : "main";

    // Collapses whitespace; null when nothing is left.
    private static string? Clean(string? text)
    {
        if (text is null)
        {
            return null;
        }
        var collapsed = Whitespace().Replace(text, " ").Trim();
        return collapsed.Length == 0 ? null : collapsed;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}

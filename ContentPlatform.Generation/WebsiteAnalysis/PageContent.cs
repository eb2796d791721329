namespace ContentPlatform.Generation.WebsiteAnalysis;

// What analysis reads from a page: its labels, its visible text and the calls to action it offers.
public sealed record PageContent(
    Uri Url,
    string? Title,
    string? MetaDescription,
    string? SiteName,
    IReadOnlyList<string> Headings,
    string Text,
    IReadOnlyList<string> Keywords,
    IReadOnlyList<PageCallToAction> CallsToAction,
    DateTime FetchedAt);

// type: signup | purchase | contact | booking | demo | download | newsletter | learn_more;
// placement: header | main | footer.
public sealed record PageCallToAction(string Text, string Type, string? Href, string Placement);

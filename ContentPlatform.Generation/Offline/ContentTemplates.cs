using ContentPlatform.Data.Entities;

namespace ContentPlatform.Generation.Offline;

// Deterministic Markdown for the three content types, built around the prompt's subject.
internal static class ContentTemplates
{
    public static string Render(string contentType, string subject) => contentType switch
    {
        ContentTypes.BlogPostOutline => BlogPostOutline(OfflineText.Headline(subject)),
        ContentTypes.ProductDescription => ProductDescription(OfflineText.Headline(subject)),
        ContentTypes.SocialMediaCaption => SocialMediaCaption(OfflineText.Headline(subject), subject),
        _ => throw new ArgumentException($"Unknown content type '{contentType}'.", nameof(contentType)),
    };

    private static string BlogPostOutline(string topic) => $"""
        # {topic}: A Blog Post Outline

        ## I. Introduction
        - Hook: why {topic} matters right now
        - Who this post is for and what they will take away
        - Thesis: a practical, balanced look at {topic}

        ## II. Background
        - Key terms and context behind {topic}
        - How the landscape has changed recently

        ## III. Main Benefits
        - The biggest advantages of {topic}
        - Real-world examples and use cases
        - What the numbers say

        ## IV. Challenges and Considerations
        - Common obstacles and how to overcome them
        - Mistakes to avoid

        ## V. Practical Steps
        - How to get started with {topic}
        - Tools and resources worth knowing
        - Measuring success

        ## VI. Conclusion
        - Summary of the key points
        - Call to action: the one next step readers should take

        ---
        {OfflineText.Label}
        """;

    private static string ProductDescription(string product) => $"""
        # {product}

        Meet {product}: designed for people who expect more from the things they use every day.
        It combines thoughtful design with dependable quality, so it simply works, day after day.

        ## Key Features
        - **Thoughtful design**: every detail of {product} is built around how you actually use it
        - **Built to last**: durable materials and careful craftsmanship
        - **Easy to use**: ready out of the box, with nothing to learn
        - **Great value**: premium quality at a fair price

        ## Why You'll Love It
        {product} takes the hassle out of your routine and leaves you more time for what matters.

        **Order {product} today and see the difference for yourself.**

        ---
        {OfflineText.Label}
        """;

    private static string SocialMediaCaption(string topic, string subject) => $"""
        ✨ {topic} ✨

        Big things are happening, and we can't wait to share them with you. Here is what you need to know about {topic} 👇

        💬 Tell us what you think in the comments!

        {OfflineText.Hashtags(subject, "inspiration", "contentcreation")}

        ---
        {OfflineText.Label}
        """;
}

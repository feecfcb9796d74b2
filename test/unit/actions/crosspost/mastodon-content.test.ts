import { describe, expect, it } from 'vitest';
import { comparableText, statusText } from '../../../../src/actions/crosspost/mastodon-content.ts';

describe('mastodon status content', () => {
  it("reads the example status of Mastodon's docs (entities/Status) back to its text, the link whole", () => {
    // https://docs.joinmastodon.org/entities/Status/ (the example's closing tags as Mastodon writes them)
    const content =
      '<p>&quot;I lost my inheritance with one wrong digit on my sort code&quot;</p><p><a href="https://www.theguardian.com/money/2019/dec/07/i-lost-my-193000-inheritance-with-one-wrong-digit-on-my-sort-code" rel="nofollow noopener noreferrer" target="_blank"><span class="invisible">https://www.</span><span class="ellipsis">theguardian.com/money/2019/dec</span><span class="invisible">/07/i-lost-my-193000-inheritance-with-one-wrong-digit-on-my-sort-code</span></a></p>';
    expect(statusText(content)).toBe(
      '"I lost my inheritance with one wrong digit on my sort code"\n\nhttps://www.theguardian.com/money/2019/dec/07/i-lost-my-193000-inheritance-with-one-wrong-digit-on-my-sort-code\n\n',
    );
  });

  it('turns line breaks, mentions, hashtags and every entity Mastodon escapes back into the text posted', () => {
    const content =
      '<p>a &amp; b &lt;c&gt; it&#39;s<br />next line <span class="h-card" translate="no"><a href="https://other.example/@alice" class="u-url mention">@<span>alice</span></a></span> <a href="https://mastodon.example/tags/release" class="mention hashtag" rel="tag">#<span>release</span></a> &#x1F680; &unknown;</p>';
    const posted = "a & b <c> it's\nnext line @alice@other.example #release 🚀 &unknown;";
    expect(comparableText(statusText(content))).toBe(comparableText(posted));
    expect(comparableText(statusText(content))).not.toBe(comparableText(posted.replace('#release', '#releases')));
  });
});

// Inline [n] citations are links into the page; with <base href="/"> the browser (and Blazor's router) would resolve
// "#src-…" against "/" and open an empty new chat. One delegated listener opens the source dialog instead.
export function attachCitations(container, page) {
  container.addEventListener('click', (e) => {
    const link = e.target.closest('a.kp-cite');
    const message = link && link.closest('[data-msg]');
    if (!message || !container.contains(message)) return;
    e.preventDefault();
    e.stopPropagation();
    page.invokeMethodAsync('OpenCitation', message.dataset.msg, parseInt(link.dataset.cite, 10));
  });
}

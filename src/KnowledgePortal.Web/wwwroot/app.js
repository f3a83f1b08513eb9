// Small helpers for the portal; Blazor calls them through IJSRuntime.
window.kp = {
  scrollToBottom: (el) => { if (el) el.scrollTop = el.scrollHeight; },
};

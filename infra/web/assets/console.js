/* global Chart, document, window */
// The console's only script (no inline script: the Content-Security-Policy forbids it). It draws the charts whose
// data the server put in data-chart attributes (the same figures are in the tables beside them), lets Escape close
// the profile drawer, and focuses the message a form left. Pages work without it.
(() => {
  const colours = { rate: '#0b57a4', overdue: '#a3121f', status: ['#6b7785', '#0b57a4', '#155f2c', '#a3121f'] };

  function rateChart(canvas, data) {
    return new Chart(canvas, {
      type: 'bar',
      data: {
        labels: data.labels,
        datasets: [
          { label: 'Completion rate (%)', data: data.rate, backgroundColor: colours.rate, yAxisID: 'rate' },
          { label: 'Overdue', data: data.overdue, backgroundColor: colours.overdue, yAxisID: 'overdue' },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          rate: { position: 'left', min: 0, max: 100, title: { display: true, text: 'Completion %' } },
          overdue: {
            position: 'right',
            beginAtZero: true,
            grid: { drawOnChartArea: false },
            title: { display: true, text: 'Overdue' },
            ticks: { precision: 0 },
          },
        },
      },
    });
  }

  function statusChart(canvas, data) {
    return new Chart(canvas, {
      type: 'doughnut',
      data: { labels: data.labels, datasets: [{ data: data.values, backgroundColor: colours.status }] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { position: 'bottom' } },
      },
    });
  }

  function drawCharts() {
    if (typeof Chart === 'undefined') return;
    for (const canvas of document.querySelectorAll('canvas[data-chart]')) {
      try {
        const data = JSON.parse(canvas.getAttribute('data-chart') || '{}');
        if (data.kind === 'rate') rateChart(canvas, data);
        else if (data.kind === 'status') statusChart(canvas, data);
        canvas.setAttribute('data-drawn', 'true');
      } catch (error) {
        canvas.setAttribute('data-drawn', `failed: ${error.message}`);
      }
    }
  }

  function closeDrawerOnEscape() {
    const drawer = document.querySelector('.drawer[data-close]');
    if (!drawer) return;
    document.addEventListener('keydown', (event) => {
      const typing = event.target && /^(INPUT|SELECT|TEXTAREA)$/.test(event.target.tagName);
      if (event.key === 'Escape' && !typing) window.location.assign(drawer.getAttribute('data-close'));
    });
  }

  // The message a form POST left for this page (#message, tabindex -1): focused, so it is read out and in view.
  function focusMessage() {
    const message = document.getElementById('message');
    if (message) message.focus();
  }

  function start() {
    drawCharts();
    closeDrawerOnEscape();
    focusMessage();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();

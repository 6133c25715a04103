document.querySelectorAll('table.sortable').forEach(function (table) {
  table.querySelectorAll('th').forEach(function (th, column) {
    th.addEventListener('click', function () {
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var direction = th.getAttribute('data-direction') === 'descending' ? 1 : -1;
      th.setAttribute('data-direction', direction === 1 ? 'ascending' : 'descending');
      rows.sort(function (a, b) {
        var x = a.cells[column].getAttribute('data-value'), y = b.cells[column].getAttribute('data-value');
        var nx = parseFloat(x), ny = parseFloat(y);
        if (isNaN(nx) || isNaN(ny)) { return direction * String(x).localeCompare(String(y)); }
        return direction * (nx - ny);
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});

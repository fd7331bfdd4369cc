<?php
/**
 * The editor script's dependencies, as WordPress reads them for "file:./editor.js".
 *
 * @package Passiton
 */

return array(
	'dependencies' => array( 'wp-blocks', 'wp-element', 'wp-server-side-render' ),
	'version'      => '0.4.0',
);

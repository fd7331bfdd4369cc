/**
 * The block in the editor: a preview rendered by the server, like the page. Plain script on
 * WordPress's own packages (wp.blocks, wp.element, wp.serverSideRender): no build step.
 */
( function ( blocks, element, ServerSideRender ) {
	'use strict';
	blocks.registerBlockType( 'passiton/refer-a-friend', {
		edit: function () {
			return element.createElement( ServerSideRender, { block: 'passiton/refer-a-friend' } );
		},
		save: function () {
			return null;
		}
	} );
}( window.wp.blocks, window.wp.element, window.wp.serverSideRender ) );
